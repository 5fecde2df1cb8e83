using System.Diagnostics.CodeAnalysis;

namespace FragNet.Xen.Abi;

/// <summary>Non-inlined throw sites for misuse of the ABI and ring types (what the other domain writes never throws:
/// it is a value to validate, an overflow to report, or a status).</summary>
internal static class AbiThrowHelper
{
    [DoesNotReturn]
    public static void ThrowBufferTooSmall(string paramName, int needed, int actual) =>
        throw new ArgumentException($"buffer of {actual} bytes is too small: {needed} needed", paramName);

    [DoesNotReturn]
    public static void ThrowArgumentOutOfRange(string paramName, object? actual, string message) =>
        throw new ArgumentOutOfRangeException(paramName, actual, message);

    [DoesNotReturn]
    public static void ThrowInvalidOperation(string message) => throw new InvalidOperationException(message);
}
