using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FlowStream.Serialization;

namespace FlowStream.Templates;

/// <summary>
/// Resolves n8n-like <c>{{ ... }}</c> templates in the string values of a node's parameters.
/// </summary>
/// <remarks>
/// <para>Roots: <c>$json</c> (the node's input), <c>$input</c> (the execution's input data), <c>$node["Name"]</c> (a finished node's output).
/// Paths: <c>.name</c>, <c>["name"]</c>, <c>['name']</c>, <c>[0]</c>.</para>
/// <para>A string that is exactly one template (surrounding white space aside) takes the JSON value and type it points to.
/// A template embedded in other text is stringified: strings as they are, <c>null</c> as an empty string, anything else as compact JSON.</para>
/// <para>A path that does not resolve is an error naming the template and the missing step.</para>
/// </remarks>
internal static class TemplateResolver
{
    public static bool ContainsTemplate(JsonElement parameters)
        => parameters.ValueKind is JsonValueKind.Object or JsonValueKind.Array && AnyStringContainsTemplate(parameters);

    // String values, not raw text: "\u007b\u007b" in the JSON is "{{" to Resolve (and after a ToJson round trip).
    private static bool AnyStringContainsTemplate(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!.Contains("{{", StringComparison.Ordinal),
        JsonValueKind.Object => value.EnumerateObject().Any(p => AnyStringContainsTemplate(p.Value)),
        JsonValueKind.Array => value.EnumerateArray().Any(AnyStringContainsTemplate),
        _ => false,
    };

    public static JsonElement Resolve(JsonElement parameters, ITemplateScope scope)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(parameters, writer, scope);
        }

        return JsonSerializer.Deserialize(buffer.WrittenSpan, FlowStreamJsonContext.Default.JsonElement);
    }

    private static void Write(JsonElement value, Utf8JsonWriter writer, ITemplateScope scope)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    Write(property.Value, writer, scope);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    Write(item, writer, scope);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (text.Contains("{{", StringComparison.Ordinal))
                {
                    ResolveString(text, scope).WriteTo(writer);
                }
                else
                {
                    value.WriteTo(writer);
                }

                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    /// <summary>Resolves the templates of one string value.</summary>
    public static JsonElement ResolveString(string text, ITemplateScope scope)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.StartsWith("{{") && trimmed.EndsWith("}}") && trimmed.Length >= 4
            && trimmed[2..].IndexOf("{{") < 0 && trimmed[2..^2].IndexOf("}}") < 0)
        {
            return Evaluate(trimmed[2..^2].Trim().ToString(), scope);
        }

        var result = new StringBuilder(text.Length);
        var position = 0;
        while (position < text.Length)
        {
            var open = text.IndexOf("{{", position, StringComparison.Ordinal);
            if (open < 0)
            {
                result.Append(text, position, text.Length - position);
                break;
            }

            var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new TemplateException($"Template '{text[open..]}' is not closed with '}}}}'.");
            }

            result.Append(text, position, open - position);
            var resolved = Evaluate(text.AsSpan(open + 2, close - open - 2).Trim().ToString(), scope);
            switch (resolved.ValueKind)
            {
                case JsonValueKind.String:
                    result.Append(resolved.GetString());
                    break;
                case JsonValueKind.Null:
                    break;
                default:
                    result.Append(resolved.GetRawText());
                    break;
            }

            position = close + 2;
        }

        return JsonSerializer.SerializeToElement(result.ToString(), FlowStreamJsonContext.Default.String);
    }

    private static JsonElement Evaluate(string expression, ITemplateScope scope)
    {
        var reader = new ExpressionReader(expression);
        JsonElement current;
        string walked;
        if (reader.TryConsume("$json"))
        {
            current = scope.Json;
            walked = "$json";
        }
        else if (reader.TryConsume("$input"))
        {
            current = scope.InputData;
            walked = "$input";
        }
        else if (reader.TryConsume("$node"))
        {
            var nodeName = reader.ReadIndexOrMember(expression, out _)
                ?? throw new TemplateException($"Template '{{{{ {expression} }}}}' must name a node: $node[\"Name\"].");
            walked = $"$node[\"{nodeName}\"]";
            if (!scope.TryGetNodeOutput(nodeName, out current))
            {
                throw new TemplateException($"Cannot resolve '{{{{ {expression} }}}}': node '{nodeName}' has not finished (or does not exist).");
            }
        }
        else
        {
            throw new TemplateException($"Cannot resolve '{{{{ {expression} }}}}': a template starts with $json, $input or $node[\"Name\"].");
        }

        while (!reader.AtEnd)
        {
            var segment = reader.ReadIndexOrMember(expression, out var isIndex)
                ?? throw new TemplateException($"Cannot resolve '{{{{ {expression} }}}}': unexpected '{reader.Rest}' after '{walked}'.");
            if (isIndex && current.ValueKind == JsonValueKind.Array)
            {
                if (!int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= current.GetArrayLength())
                {
                    throw new TemplateException($"Cannot resolve '{{{{ {expression} }}}}': '{walked}' has {current.GetArrayLength()} item(s), no index {segment}.");
                }

                current = current[index];
                walked += $"[{index}]";
            }
            else if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out var child))
            {
                current = child;
                walked += isIndex ? $"[{segment}]" : $".{segment}";
            }
            else
            {
                throw new TemplateException(current.ValueKind == JsonValueKind.Object
                    ? $"Cannot resolve '{{{{ {expression} }}}}': '{walked}' has no property '{segment}'."
                    : $"Cannot resolve '{{{{ {expression} }}}}': '{walked}' is {Describe(current.ValueKind)}, not an object with '{segment}'.");
            }
        }

        return current;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "undefined",
    };

    private ref struct ExpressionReader(string expression)
    {
        private readonly string _expression = expression;
        private int _position;

        public readonly bool AtEnd => _position >= _expression.Length;

        public readonly string Rest => _expression[_position..];

        public bool TryConsume(string root)
        {
            if (_expression.AsSpan(_position).StartsWith(root, StringComparison.Ordinal)
                && (_position + root.Length == _expression.Length || !IsNameChar(_expression[_position + root.Length])))
            {
                _position += root.Length;
                return true;
            }

            return false;
        }

        /// <summary>Reads <c>.name</c>, <c>["name"]</c>, <c>['name']</c> or <c>[0]</c>; null when none is next.</summary>
        public string? ReadIndexOrMember(string expression, out bool isIndex)
        {
            isIndex = false;
            SkipWhiteSpace();
            if (AtEnd)
            {
                return null;
            }

            var c = _expression[_position];
            if (c == '.')
            {
                var start = ++_position;
                while (!AtEnd && IsNameChar(_expression[_position]))
                {
                    _position++;
                }

                return _position > start ? _expression[start.._position] : null;
            }

            if (c != '[')
            {
                return null;
            }

            _position++;
            SkipWhiteSpace();
            if (AtEnd)
            {
                return null;
            }

            string? value;
            var quote = _expression[_position];
            if (quote is '"' or '\'')
            {
                var end = _expression.IndexOf(quote, _position + 1);
                if (end < 0)
                {
                    throw new TemplateException($"Cannot resolve '{{{{ {expression} }}}}': a quoted name is not closed.");
                }

                value = _expression[(_position + 1)..end];
                _position = end + 1;
            }
            else
            {
                var start = _position;
                while (!AtEnd && char.IsAsciiDigit(_expression[_position]))
                {
                    _position++;
                }

                if (_position == start)
                {
                    return null;
                }

                value = _expression[start.._position];
                isIndex = true;
            }

            SkipWhiteSpace();
            if (AtEnd || _expression[_position] != ']')
            {
                throw new TemplateException($"Cannot resolve '{{{{ {expression} }}}}': expected ']'.");
            }

            _position++;
            return value;
        }

        private void SkipWhiteSpace()
        {
            while (!AtEnd && char.IsWhiteSpace(_expression[_position]))
            {
                _position++;
            }
        }

        private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '$' or '-';
    }
}
