using System.Diagnostics.CodeAnalysis;

namespace FragNet.Buffers;

/// <summary>Non-inlined throw sites, so hot methods stay small (as dotnet/runtime's ThrowHelper).</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowGeometry(SkBuff skb, string operation, int length) =>
        throw new InvalidOperationException($"{operation}({length}) does not fit {skb}");

    [DoesNotReturn]
    public static void ThrowShared(SkBuff skb, string operation, string why) =>
        throw new InvalidOperationException($"{operation} on {skb}: {why}");

    [DoesNotReturn]
    public static void ThrowFreed(SkBuff skb) =>
        throw new RefCountException($"skb used after it was freed (last reason {skb.LastReason})");

    [DoesNotReturn]
    public static void ThrowFrag(SkBuff skb, int index) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, $"no frag {index} in {skb}");

    [DoesNotReturn]
    public static void ThrowRange(string operation, int offset, int length, int available) =>
        throw new ArgumentOutOfRangeException(nameof(offset), $"{operation}: [{offset}, {offset}+{length}) outside 0..{available}");
}
