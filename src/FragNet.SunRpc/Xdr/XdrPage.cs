using FragNet.Buffers;

namespace FragNet.SunRpc.Xdr;

/// <summary>A range of a page carried by reference in an <see cref="XdrBuf"/> (Linux's <c>xdr_buf.pages</c>): the
/// bytes stay where their owner put them until a send policy decides otherwise.</summary>
public readonly record struct XdrPage(Page Page, int Offset, int Length);
