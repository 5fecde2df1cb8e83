using System.Diagnostics.CodeAnalysis;

namespace FragNet.Wire.Internal;

/// <summary>Non-inlined throw sites for API misuse (bad input from the network never throws: it is a
/// <see cref="FragNet.Buffers.DropReason"/>).</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowArgument(string paramName, string message) => throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void ThrowArgumentOutOfRange(string paramName, object? actual, string message) =>
        throw new ArgumentOutOfRangeException(paramName, actual, message);

    [DoesNotReturn]
    public static void ThrowBufferTooSmall(string paramName, int needed, int actual) =>
        throw new ArgumentException($"buffer of {actual} bytes is too small: {needed} needed", paramName);

    [DoesNotReturn]
    public static void ThrowInvalidOperation(string message) => throw new InvalidOperationException(message);

    [DoesNotReturn]
    public static void ThrowFormat(string what, string text) => throw new FormatException($"'{text}' is not a valid {what}");
}
