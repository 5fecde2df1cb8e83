using System.CommandLine.Parsing;

namespace FragNet.Cli;

/// <summary>Validators run even when an option's text did not convert (<c>--size abc</c>); reading the value then
/// throws. They use <see cref="TryGetValue"/> and leave the conversion error to the parser's own message.</summary>
internal static class OptionResultExtensions
{
    public static bool TryGetValue<T>(this OptionResult result, out T value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }
}
