using System.Text;

namespace FlowStream.AspNetCore.Tests.Infrastructure;

/// <summary>Reads a text/event-stream response line by line and as whole SSE messages, keeping the raw text.</summary>
internal sealed class SseReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);
    private readonly StringBuilder _raw = new();

    public string Raw => _raw.ToString();

    public record Message(long? Id, string Data, string Type, System.Text.Json.JsonElement Json);

    /// <summary>Reads the next message (skipping comment lines); null at the end of the stream.</summary>
    public async Task<Message?> ReadMessageAsync(CancellationToken cancellationToken = default)
    {
        long? id = null;
        var data = new StringBuilder();
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancellationToken);
            if (line is null)
            {
                return null;
            }

            _raw.Append(line).Append('\n');
            if (line.Length == 0)
            {
                if (data.Length == 0)
                {
                    continue;
                }

                var json = System.Text.Json.JsonDocument.Parse(data.ToString()).RootElement.Clone();
                return new Message(id, data.ToString(), json.GetProperty("type").GetString()!, json.GetProperty("data"));
            }

            if (line.StartsWith(':'))
            {
                continue;
            }

            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line[6..]);
            }
        }
    }

    /// <summary>Reads lines until one satisfies <paramref name="match"/>.</summary>
    public async Task<string> ReadLineUntilAsync(Func<string, bool> match, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("The stream ended first.");
            _raw.Append(line).Append('\n');
            if (match(line))
            {
                return line;
            }
        }
    }

    public async Task<List<Message>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        var messages = new List<Message>();
        while (await ReadMessageAsync(cancellationToken) is { } message)
        {
            messages.Add(message);
        }

        return messages;
    }

    public void Dispose() => _reader.Dispose();
}
