namespace FragNet.Buffers;

/// <summary>Making bytes linear and cutting the end: pskb_may_pull and pskb_trim.</summary>
public sealed partial class SkBuff
{
    /// <summary>Makes the first <paramref name="length"/> bytes linear (<c>pskb_may_pull</c>): copies them from the
    /// frags into the head, growing or privatising the head as needed, then drops the frags it consumed
    /// (<c>FragUnref</c>, rule 4) and trims the one it cut into. Returns false, changing nothing, if the packet is
    /// shorter. Bytes needed from the frag list make the whole buffer linear.</summary>
    public bool PullTail(int length)
    {
        ThrowIfFree();
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length <= HeadLen)
        {
            return true;
        }

        if (length > _len)
        {
            return false;
        }

        int delta = length - HeadLen;
        if (delta > FragBytes())
        {
            Linearize();
            return true;
        }

        int missingTailroom = _tail + delta - _shinfo.End;
        if (missingTailroom > 0 || IsCloned)
        {
            ExpandHead(0, missingTailroom > 0 ? missingTailroom + 128 : 0);
        }

        CopyBits(HeadLen, _shinfo.Head.AsSpan(_tail, delta));
        EatFrags(delta, nameof(PullTail));
        _tail += delta;
        _dataLen -= delta;
        return true;
    }

    /// <summary>Cuts the packet to <paramref name="length"/> bytes (<c>pskb_trim</c>): frags past the end are dropped
    /// (<c>FragUnref</c>), the one cut into shrinks. A cut inside the frag list makes the buffer linear first.</summary>
    public void Trim(int length)
    {
        ThrowIfFree();
        if ((uint)length > (uint)_len)
        {
            ThrowHelper.ThrowRange(nameof(Trim), 0, length, _len);
        }

        if (length == _len)
        {
            return;
        }

        if (IpSummed == ChecksumState.Complete)
        {
            IpSummed = ChecksumState.None; // the sum covered the bytes being cut
        }

        if (_dataLen != 0 && _shinfo.FragListValue is not null && length > HeadLen + FragBytes())
        {
            Linearize();
        }

        if (_dataLen == 0)
        {
            _tail = _data + length; // linear: __skb_trim, no private copy needed (tail is per header)
            _len = length;
            return;
        }

        if (IsCloned)
        {
            ExpandHead(0, 0);
        }

        int head = HeadLen;
        SharedInfo sh = _shinfo;
        int kept = 0;
        int pos = head;
        for (int i = 0; i < sh.NrFragsValue; i++)
        {
            SkbFrag f = sh.Frags[i];
            int start = pos;
            pos += f.SizeValue;
            if (start >= length)
            {
                FragCore.Unref(f, nameof(Trim));
                continue;
            }

            if (pos > length)
            {
                f.SizeValue = length - start;
            }

            sh.Frags[kept++] = f;
        }

        ClearFragSlots(sh, kept);
        SkBuff? list = sh.FragListValue;
        sh.FragListValue = null;
        FreeFragList(list);
        if (length < head)
        {
            _tail = _data + length;
        }

        _len = length;
        _dataLen = Math.Max(0, length - head);
    }

    /// <summary>Drops <paramref name="bytes"/> from the front of the frags: whole frags are unreferenced, a partly
    /// eaten one is trimmed in place. Needs a private data buffer.</summary>
    private void EatFrags(int bytes, string operation)
    {
        SharedInfo sh = _shinfo;
        int kept = 0;
        for (int i = 0; i < sh.NrFragsValue; i++)
        {
            SkbFrag f = sh.Frags[i];
            if (bytes >= f.SizeValue)
            {
                bytes -= f.SizeValue;
                FragCore.Unref(f, operation);
                continue;
            }

            f.OffsetValue += bytes;
            f.SizeValue -= bytes;
            bytes = 0;
            sh.Frags[kept++] = f;
        }

        ClearFragSlots(sh, kept);
    }

    private static void ClearFragSlots(SharedInfo sh, int kept)
    {
        Array.Clear(sh.Frags, kept, sh.NrFragsValue - kept);
        sh.NrFragsValue = kept;
    }
}
