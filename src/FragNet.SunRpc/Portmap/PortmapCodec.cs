using FragNet.SunRpc.Xdr;

namespace FragNet.SunRpc.Portmap;

/// <summary>
/// Arguments and results of the port mapper's procedures (RFC 1833 §3), for both ends: a client encodes arguments
/// into the call's <see cref="XdrBuf"/> and decodes results from the reply's <see cref="XdrReader"/> (positioned after
/// the reply header); <see cref="PortmapProgram"/> uses the result encoders.
/// </summary>
/// <remarks>
/// Decoders never throw on bad input: they return false and leave the reader's <see cref="XdrReader.Error"/> saying
/// why. Each expects the results to end the message (<see cref="XdrError.TrailingBytes"/> otherwise). NULL takes and
/// returns <c>void</c>, so it needs no codec.
/// </remarks>
public static class PortmapCodec
{
    /// <summary>Bytes one DUMP list entry takes: the "value follows" bool and a mapping.</summary>
    private const int DumpEntryLength = 4 + PortmapMapping.EncodedLength;

    /// <summary>SET's argument: the mapping to register.</summary>
    public static void EncodeSetArguments(XdrBuf arguments, PortmapMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        mapping.Encode(arguments);
    }

    /// <summary>UNSET's argument: a mapping whose protocol and port the server ignores (RFC 1833 §3), sent as zero.</summary>
    public static void EncodeUnsetArguments(XdrBuf arguments, uint program, uint version)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        new PortmapMapping(program, version, 0, 0).Encode(arguments);
    }

    /// <summary>GETPORT's argument: a mapping whose port the server ignores (RFC 1833 §3), sent as zero.</summary>
    public static void EncodeGetPortArguments(XdrBuf arguments, uint program, uint version, uint protocol)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        new PortmapMapping(program, version, protocol, 0).Encode(arguments);
    }

    /// <summary>DUMP takes <c>void</c>: nothing is written. Present so every procedure has an encoder.</summary>
    public static void EncodeDumpArguments(XdrBuf arguments) => ArgumentNullException.ThrowIfNull(arguments);

    /// <summary>The bool SET and UNSET answer.</summary>
    public static void EncodeBoolResult(XdrBuf results, bool value)
    {
        ArgumentNullException.ThrowIfNull(results);
        results.WriteBool(value);
    }

    /// <summary>GETPORT's answer: the port, 0 when the program is not registered.</summary>
    public static void EncodeGetPortResult(XdrBuf results, uint port)
    {
        ArgumentNullException.ThrowIfNull(results);
        results.WriteUInt32(port);
    }

    /// <summary>
    /// DUMP's answer, the optional-data list <c>struct *pmaplist { mapping map; pmaplist next; }</c> (RFC 1833 §3,
    /// RFC 4506 §4.19): each entry is TRUE ("a value follows") and a mapping; the list ends with FALSE.
    /// </summary>
    public static void EncodeDumpResult(XdrBuf results, IEnumerable<PortmapMapping> mappings)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(mappings);
        foreach (PortmapMapping m in mappings)
        {
            results.WriteBool(true);
            m.Encode(results);
        }

        results.WriteBool(false);
    }

    /// <summary>SET's result: true if the server registered the mapping.</summary>
    public static bool TryDecodeSetResult(ref XdrReader results, out bool registered) => TryDecodeBool(ref results, out registered);

    /// <summary>UNSET's result: true if the server removed at least one mapping.</summary>
    public static bool TryDecodeUnsetResult(ref XdrReader results, out bool removed) => TryDecodeBool(ref results, out removed);

    /// <summary>GETPORT's result: the port, 0 if the program is not registered. The value is an XDR unsigned int and is
    /// returned as sent; a caller about to connect checks that it fits a port.</summary>
    public static bool TryDecodeGetPortResult(ref XdrReader results, out uint port)
    {
        port = results.ReadUInt32();
        results.ExpectEnd();
        if (!results.IsValid)
        {
            port = 0;
            return false;
        }

        return true;
    }

    /// <summary>
    /// DUMP's result, in list order. A "value follows" other than 0 or 1 is <see cref="XdrError.BadBoolean"/>; a list
    /// that stops before its FALSE is <see cref="XdrError.Truncated"/>. Each entry must be present in the input before
    /// it is added, so a hostile reply cannot make the list outgrow the bytes actually received.
    /// </summary>
    public static bool TryDecodeDumpResult(ref XdrReader results, out IReadOnlyList<PortmapMapping> mappings)
    {
        var list = new List<PortmapMapping>(Math.Min(results.Remaining / DumpEntryLength, 64));
        while (results.ReadBool())
        {
            PortmapMapping m = PortmapMapping.Decode(ref results);
            if (!results.IsValid)
            {
                break;
            }

            list.Add(m);
        }

        results.ExpectEnd();
        mappings = results.IsValid ? list : [];
        return results.IsValid;
    }

    private static bool TryDecodeBool(ref XdrReader results, out bool value)
    {
        value = results.ReadBool();
        results.ExpectEnd();
        if (!results.IsValid)
        {
            value = false;
            return false;
        }

        return true;
    }
}
