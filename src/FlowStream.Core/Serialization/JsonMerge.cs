using System.Buffers;
using System.Text.Json;

namespace FlowStream.Serialization;

/// <summary>Shallow merges of JSON objects.</summary>
internal static class JsonMerge
{
    /// <summary>Merges the properties of the object values, in order; a later value's property replaces an earlier one's. Non-objects are skipped.</summary>
    public static JsonElement MergeObjects(ReadOnlySpan<JsonElement> values)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            // First-seen order of names, last-seen value of each.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var winners = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            var order = new List<string>();
            foreach (var value in values)
            {
                if (value.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                foreach (var property in value.EnumerateObject())
                {
                    if (seen.Add(property.Name))
                    {
                        order.Add(property.Name);
                    }

                    winners[property.Name] = property.Value;
                }
            }

            foreach (var name in order)
            {
                writer.WritePropertyName(name);
                winners[name].WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return JsonSerializer.Deserialize(buffer.WrittenSpan, FlowStreamJsonContext.Default.JsonElement);
    }
}
