using System.Text.Json;
using System.Text.Json.Serialization;

namespace FragNet.Cli;

/// <summary>The JSON settings every <c>--json</c> output uses: camelCase, indented, nulls left out.</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static void Write<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Options));
}
