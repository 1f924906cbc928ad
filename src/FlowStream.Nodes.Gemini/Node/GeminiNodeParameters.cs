using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace FlowStream.Nodes.Gemini.Node;

/// <summary>The parameters of a <c>gemini</c> node, read from its (already templated) parameters object.</summary>
internal sealed class GeminiNodeParameters
{
    public required string Prompt { get; init; }

    public string? Model { get; init; }

    public string? SystemInstruction { get; init; }

    public float? Temperature { get; init; }

    public int? MaxOutputTokens { get; init; }

    public bool Stream { get; init; } = true;

    public static bool TryParse(JsonElement parameters, [NotNullWhen(true)] out GeminiNodeParameters? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            error = "The gemini node needs a parameters object with a 'prompt'.";
            return false;
        }

        var prompt = Text(parameters, "prompt");
        if (string.IsNullOrWhiteSpace(prompt))
        {
            error = "The gemini node needs a non-empty 'prompt' parameter.";
            return false;
        }

        if (!TryNumber(parameters, "temperature", out var temperature, out error)
            || !TryInteger(parameters, "maxOutputTokens", out var maxOutputTokens, out error)
            || !TryBoolean(parameters, "stream", out var stream, out error))
        {
            return false;
        }

        if (maxOutputTokens is < 1)
        {
            error = "Parameter 'maxOutputTokens' must be at least 1.";
            return false;
        }

        result = new GeminiNodeParameters
        {
            Prompt = prompt,
            Model = Text(parameters, "model") is { } model && !string.IsNullOrWhiteSpace(model) ? model.Trim() : null,
            SystemInstruction = Text(parameters, "systemInstruction") is { } system && !string.IsNullOrWhiteSpace(system) ? system : null,
            Temperature = temperature is { } t ? (float)t : null,
            MaxOutputTokens = maxOutputTokens,
            Stream = stream ?? true,
        };
        return true;
    }

    /// <summary>A string parameter; numbers and booleans are taken as their JSON text, objects and arrays as compact JSON.</summary>
    private static string? Text(JsonElement parameters, string name)
        => !parameters.TryGetProperty(name, out var value) ? null : value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value.GetRawText(),
        };

    private static bool TryNumber(JsonElement parameters, string name, out double? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        error = null;
        if (!parameters.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null
            || (element.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(element.GetString())))
        {
            return true;
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out var number))
        {
            value = number;
            return true;
        }

        if (element.ValueKind == JsonValueKind.String
            && double.TryParse(element.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number))
        {
            value = number;
            return true;
        }

        error = $"Parameter '{name}' must be a number.";
        return false;
    }

    private static bool TryInteger(JsonElement parameters, string name, out int? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        if (!TryNumber(parameters, name, out var number, out error) || number is null)
        {
            return error is null;
        }

        if (number != Math.Floor(number.Value) || number is > int.MaxValue or < int.MinValue)
        {
            error = $"Parameter '{name}' must be a whole number.";
            return false;
        }

        value = (int)number.Value;
        return true;
    }

    private static bool TryBoolean(JsonElement parameters, string name, out bool? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        error = null;
        if (!parameters.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.True:
                value = true;
                return true;
            case JsonValueKind.False:
                value = false;
                return true;
            case JsonValueKind.String when bool.TryParse(element.GetString()?.Trim(), out var parsed):
                value = parsed;
                return true;
            default:
                error = $"Parameter '{name}' must be true or false.";
                return false;
        }
    }
}
