using System.Runtime.InteropServices;
using FragNet.Buffers;
using FragNet.Host.Interop;
using FragNet.Wire;

namespace FragNet.Host.Tap;

/// <summary>The receive path: readv into spare pool pages, build a paged buffer, hand it to the receiver.</summary>
public sealed unsafe partial class TapDevice
{
    private void ReceiveFrames(Instant now)
    {
        IoVec* iov = stackalloc IoVec[1 + SharedInfo.MaxSkbFrags];
        byte* vnet = stackalloc byte[VirtioNetHeader.Size];
        for (int budget = _receiveBudget; budget > 0 && _fd >= 0; budget--)
        {
            if (!FillSpares())
            {
                if (!DiscardOne())
                {
                    return;
                }

                continue;
            }

            int count = 0;
            if (_headerLength > 0)
            {
                iov[count++] = new IoVec { Base = vnet, Length = VirtioNetHeader.Size };
            }

            foreach (Page? page in _spare)
            {
                iov[count++] = new IoVec { Base = (void*)page!.Address, Length = Page.Size };
            }

            nint n = Libc.Readv(_fd, iov, count);
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EINTR)
                {
                    continue;
                }

                if (errno != Libc.EAGAIN)
                {
                    LastError = $"read from TAP {Name}: {Libc.Describe(errno)}";
                }

                return;
            }

            int length = (int)n - _headerLength;
            if (!Accept(length))
            {
                continue;
            }

            var header = _headerLength > 0 ? VirtioNetHeader.Read(new ReadOnlySpan<byte>(vnet, VirtioNetHeader.Size)) : VirtioNetHeader.None;
            Deliver(BuildFrame(length, header), length, now);
        }
    }

    /// <summary>Runts and oversize frames are counted drops; the spare pages stay for the next read.</summary>
    private bool Accept(int length)
    {
        if (length < EthernetField.HeaderLength)
        {
            Count(DropReason.PacketTooSmall);
            return false;
        }

        if (length > _maxFrame)
        {
            Count(DropReason.PacketTooBig);
            return false;
        }

        return true;
    }

    /// <summary>A short frame is copied into a linear buffer (the page stays spare); a longer one takes the pages it
    /// filled as its frags, each page's reference passing to the buffer (<see cref="SkBuff.FillPageDesc"/>).</summary>
    private SkBuff BuildFrame(int length, VirtioNetHeader header)
    {
        SkBuff skb;
        if (length <= CopyBreak)
        {
            skb = _cache.Alloc(length);
            _spare[0]!.Span[..length].CopyTo(skb.Put(length));
        }
        else
        {
            skb = _cache.Alloc(ReceiveHeadRoom);
            for (int i = 0, left = length; left > 0; i++)
            {
                int size = Math.Min(left, Page.Size);
                skb.FillPageDesc(i, _spare[i]!, 0, size);
                _spare[i] = null;
                left -= size;
            }
        }

        if (header.ChecksumTrusted)
        {
            skb.IpSummed = ChecksumState.Unnecessary;
        }

        return skb;
    }

    private void Deliver(SkBuff skb, int length, Instant now)
    {
        Action<SkBuff, Instant>? receiver = Receiver;
        if (receiver is null)
        {
            Drop(skb, DropReason.DeviceDown);
            return;
        }

        RxFrames++;
        RxBytes += length;
        Capture?.Invoke(skb, now);
        receiver(skb, now);
    }

    /// <summary>Takes pages for every empty spare slot; false if the pool ran dry (slots filled so far stay filled).</summary>
    private bool FillSpares()
    {
        for (int i = 0; i < _spare.Length; i++)
        {
            if (_spare[i] is null)
            {
                if (!_cache.Pages.TryAlloc(out Page page))
                {
                    return false;
                }

                _spare[i] = page;
            }
        }

        return true;
    }

    /// <summary>Reads one frame into the scratch buffer and drops it (no pages to receive into). False when there
    /// was nothing to read.</summary>
    private bool DiscardOne()
    {
        nint n;
        fixed (byte* scratch = _scratch)
        {
            n = Libc.Read(_fd, scratch, (nuint)_scratch.Length);
        }

        if (n < 0)
        {
            return Marshal.GetLastPInvokeError() == Libc.EINTR;
        }

        Count(DropReason.NoMemory);
        return true;
    }
}
