using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FlowStream.Serialization;
using Microsoft.Extensions.Options;

namespace FlowStream.Nodes.BuiltIn.Http;

/// <summary>
/// <c>http</c>: sends one HTTP request through <c>IHttpClientFactory</c>'s client <see cref="HttpNodeOptions.HttpClientName"/> and
/// outputs <c>{"statusCode": 200, "headers": {...}, "body": ...}</c>. See the README's "Built-in nodes" table for the parameters.
/// </summary>
internal sealed class HttpNode(IHttpClientFactory clientFactory, IOptions<HttpNodeOptions> options, TimeProvider timeProvider) : INodeHandler
{
    private const int ExcerptLength = 200;

    public async ValueTask<NodeResult> ExecuteAsync(NodeExecutionContext context, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var where = $"node '{context.Node.Name}'";
        var p = context.Parameters;

        var method = p.TryGetProperty("method"u8, out var methodValue) && methodValue.ValueKind == JsonValueKind.String
            ? methodValue.GetString()!.Trim().ToUpperInvariant()
            : "GET";
        if (method.Length == 0 || !method.All(char.IsAsciiLetter))
        {
            return NodeResult.Failure($"Parameter 'method' of {where} must be an HTTP method such as GET or POST.");
        }

        var client = clientFactory.CreateClient(HttpNodeOptions.HttpClientName);
        if (!p.TryGetProperty("url"u8, out var urlValue) || urlValue.ValueKind != JsonValueKind.String
            || !TryGetUrl(urlValue.GetString()!, client.BaseAddress, out var url))
        {
            return NodeResult.Failure(client.BaseAddress is null
                ? $"Parameter 'url' of {where} must be an absolute http or https URL."
                : $"Parameter 'url' of {where} must be an absolute http or https URL, or a path relative to {client.BaseAddress}.");
        }

        if (p.TryGetProperty("query"u8, out var query) && query.ValueKind != JsonValueKind.Null)
        {
            if (query.ValueKind != JsonValueKind.Object)
            {
                return NodeResult.Failure($"Parameter 'query' of {where} must be an object of names and values.");
            }

            url = AppendQuery(url, query);
        }

        var timeout = settings.Timeout;
        if (p.TryGetProperty("timeoutMs"u8, out var timeoutValue) && timeoutValue.ValueKind != JsonValueKind.Null)
        {
            if (timeoutValue.ValueKind != JsonValueKind.Number || !timeoutValue.TryGetDouble(out var ms) || ms <= 0 || ms > settings.MaxTimeout.TotalMilliseconds)
            {
                return NodeResult.Failure($"Parameter 'timeoutMs' of {where} must be more than 0 and at most {settings.MaxTimeout.TotalMilliseconds:0} (HttpNodeOptions.MaxTimeout).");
            }

            timeout = TimeSpan.FromMilliseconds(ms);
        }

        var failOnError = !(p.TryGetProperty("failOnError"u8, out var failValue) && failValue.ValueKind == JsonValueKind.False);

        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (p.TryGetProperty("body"u8, out var body) && body.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
        {
            var contentType = p.TryGetProperty("contentType"u8, out var typeValue) && typeValue.ValueKind == JsonValueKind.String ? typeValue.GetString() : null;
            request.Content = body.ValueKind == JsonValueKind.String
                ? new StringContent(body.GetString()!, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType ?? "text/plain; charset=utf-8"))
                : new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, FlowStreamJsonContext.Default.JsonElement))
                {
                    Headers = { ContentType = MediaTypeHeaderValue.Parse(contentType ?? "application/json; charset=utf-8") },
                };
        }

        if (p.TryGetProperty("headers"u8, out var headers) && headers.ValueKind != JsonValueKind.Null)
        {
            if (headers.ValueKind != JsonValueKind.Object)
            {
                return NodeResult.Failure($"Parameter 'headers' of {where} must be an object of header names and values.");
            }

            foreach (var header in headers.EnumerateObject())
            {
                var value = Scalar(header.Value);
                if (value is null)
                {
                    return NodeResult.Failure($"Header '{header.Name}' of {where} must be a string, number or boolean.");
                }

                if (request.Headers.TryAddWithoutValidation(header.Name, value))
                {
                    continue;
                }

                // A content header (Content-Type, Content-Language, ...) replaces the body's own.
                if (request.Content is not { } content || !(content.Headers.Remove(header.Name) | content.Headers.TryAddWithoutValidation(header.Name, value)))
                {
                    return NodeResult.Failure($"Header '{header.Name}' of {where} cannot be set on this request (a content header needs a body).");
                }
            }
        }

        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var target = $"{method} {url.GetLeftPart(UriPartial.Path)}";
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var content = await ReadBodyAsync(response, settings.MaxResponseBytes, linked.Token).ConfigureAwait(false);
            if (content is null)
            {
                return NodeResult.Failure($"The response to {target} is larger than {settings.MaxResponseBytes} bytes (HttpNodeOptions.MaxResponseBytes).");
            }

            var code = (int)response.StatusCode;
            if (failOnError && code is < 200 or > 299)
            {
                return NodeResult.Failure($"HTTP {code} {response.ReasonPhrase} from {target}: {Excerpt(content)}");
            }

            return NodeResult.Success(BuildOutput(response, content));
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return NodeResult.Failure($"{target} timed out after {timeout.TotalMilliseconds:0} ms.");
        }
        catch (HttpRequestException ex)
        {
            for (Exception? inner = ex; inner is not null; inner = inner.InnerException)
            {
                if (inner is HttpDestinationRefusedException refused)
                {
                    return NodeResult.Failure($"{target} failed: {refused.Message}");
                }
            }

            return NodeResult.Failure($"{target} failed: {ex.Message}");
        }
    }

    /// <summary>An absolute http(s) URL, or one relative to the named client's base address when the host set one.</summary>
    private static bool TryGetUrl(string text, Uri? baseAddress, out Uri url)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out url!) && !(url.IsFile && text.StartsWith('/')))
        {
            return url.Scheme is "http" or "https";
        }

        return baseAddress is not null && Uri.TryCreate(baseAddress, text, out url!) && url.Scheme is "http" or "https";
    }

    private static Uri AppendQuery(Uri url, JsonElement query)
    {
        var builder = new StringBuilder(url.Query.Length > 1 ? url.Query[1..] : "");
        foreach (var property in query.EnumerateObject())
        {
            var values = property.Value.ValueKind == JsonValueKind.Array ? [.. property.Value.EnumerateArray()] : new[] { property.Value };
            foreach (var value in values)
            {
                if (Scalar(value) is not { } text)
                {
                    continue;
                }

                if (builder.Length > 0)
                {
                    builder.Append('&');
                }

                builder.Append(Uri.EscapeDataString(property.Name)).Append('=').Append(Uri.EscapeDataString(text));
            }
        }

        return new UriBuilder(url) { Query = builder.ToString() }.Uri;
    }

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => null,
    };

    /// <summary>Reads the body, or null when it is larger than <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpResponseMessage response, long limit, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > limit)
        {
            return null;
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new ArrayBufferWriter<byte>((int)Math.Min(limit + 1, 16 * 1024));
            while (true)
            {
                var memory = buffer.GetMemory(8 * 1024);
                var read = await stream.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.WrittenSpan.ToArray();
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > limit)
                {
                    return null;
                }
            }
        }
    }

    private static bool IsJson(HttpResponseMessage response)
        => response.Content.Headers.ContentType?.MediaType is { } type
            && (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static string Decode(HttpResponseMessage response, byte[] content)
    {
        var encoding = Encoding.UTF8;
        if (response.Content.Headers.ContentType?.CharSet is { Length: > 0 } charset)
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"'));
            }
            catch (ArgumentException)
            {
                // Unknown charset: read it as UTF-8.
            }
        }

        return encoding.GetString(content);
    }

    private static string Excerpt(byte[] content)
    {
        var text = Encoding.UTF8.GetString(content, 0, Math.Min(content.Length, ExcerptLength * 4));
        var collapsed = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length == 0 ? "(empty body)" : collapsed.Length > ExcerptLength ? collapsed[..ExcerptLength] + "…" : collapsed;
    }

    private static JsonElement BuildOutput(HttpResponseMessage response, byte[] content)
    {
        var buffer = new ArrayBufferWriter<byte>(content.Length + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("statusCode"u8, (int)response.StatusCode);
            writer.WriteStartObject("headers"u8);
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (seen.Add(name))
                {
                    writer.WriteString(name.ToLowerInvariant(), string.Join(", ", values));
                }
            }

            writer.WriteEndObject();
            writer.WritePropertyName("body"u8);
            if (content.Length == 0)
            {
                writer.WriteNullValue();
            }
            else if (IsJson(response) && TryParseJson(content, out var json))
            {
                json.WriteTo(writer);
            }
            else
            {
                writer.WriteStringValue(Decode(response, content));
            }

            writer.WriteEndObject();
        }

        return JsonSerializer.Deserialize(buffer.WrittenSpan, FlowStreamJsonContext.Default.JsonElement);
    }

    private static bool TryParseJson(byte[] content, out JsonElement json)
    {
        try
        {
            json = JsonSerializer.Deserialize(content, FlowStreamJsonContext.Default.JsonElement);
            return true;
        }
        catch (JsonException)
        {
            json = default;
            return false;
        }
    }
}
