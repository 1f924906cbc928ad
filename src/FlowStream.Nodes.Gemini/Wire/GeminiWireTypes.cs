using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowStream.Nodes.Gemini.Wire;

// The Gemini REST API's JSON, as far as this package reads or writes it (v1beta generative_service.proto and content.proto).
// Unknown fields are ignored when reading, so fields the API adds later do no harm.

/// <summary>The body of <c>generateContent</c> and <c>streamGenerateContent</c>.</summary>
internal sealed class GenerateContentRequest
{
    public Content? SystemInstruction { get; set; }

    public List<Content> Contents { get; set; } = [];

    public GenerationConfig? GenerationConfig { get; set; }
}

/// <summary>One turn of a conversation, or the system instruction.</summary>
internal sealed class Content
{
    public string? Role { get; set; }

    public List<Part>? Parts { get; set; }
}

/// <summary>A piece of a turn: text (possibly a thought summary) or data.</summary>
internal sealed class Part
{
    public string? Text { get; set; }

    public bool? Thought { get; set; }

    public string? ThoughtSignature { get; set; }

    public InlineData? InlineData { get; set; }

    public FileData? FileData { get; set; }
}

/// <summary>Bytes sent inline, base64-encoded.</summary>
internal sealed class InlineData
{
    public string? MimeType { get; set; }

    public string? Data { get; set; }
}

/// <summary>A reference to an uploaded file.</summary>
internal sealed class FileData
{
    public string? MimeType { get; set; }

    public string? FileUri { get; set; }
}

/// <summary>Sampling and output settings.</summary>
internal sealed class GenerationConfig
{
    public float? Temperature { get; set; }

    public float? TopP { get; set; }

    public int? TopK { get; set; }

    public int? MaxOutputTokens { get; set; }

    public List<string>? StopSequences { get; set; }

    public string? ResponseMimeType { get; set; }

    public JsonElement? ResponseJsonSchema { get; set; }

    public long? Seed { get; set; }

    public float? PresencePenalty { get; set; }

    public float? FrequencyPenalty { get; set; }
}

/// <summary>A whole unary response, or one chunk of a stream (which may carry only <see cref="Error"/>).</summary>
internal sealed class GenerateContentResponse
{
    public List<Candidate>? Candidates { get; set; }

    public PromptFeedback? PromptFeedback { get; set; }

    public UsageMetadata? UsageMetadata { get; set; }

    public string? ModelVersion { get; set; }

    public string? ResponseId { get; set; }

    /// <summary>Set when a stream reports an error after its 200 headers (<c>{"error": {...}}</c> as a chunk).</summary>
    public ErrorBody? Error { get; set; }
}

/// <summary>One generated candidate.</summary>
internal sealed class Candidate
{
    public Content? Content { get; set; }

    public string? FinishReason { get; set; }

    public string? FinishMessage { get; set; }

    public int? Index { get; set; }
}

/// <summary>Why the prompt was blocked, when it was.</summary>
internal sealed class PromptFeedback
{
    public string? BlockReason { get; set; }

    public string? BlockReasonMessage { get; set; }
}

/// <summary>Token counts. In a stream they are cumulative: the last chunk's are the totals.</summary>
internal sealed class UsageMetadata
{
    public int? PromptTokenCount { get; set; }

    public int? CandidatesTokenCount { get; set; }

    public int? ThoughtsTokenCount { get; set; }

    public int? CachedContentTokenCount { get; set; }

    public int? ToolUsePromptTokenCount { get; set; }

    public int? TotalTokenCount { get; set; }
}

/// <summary>The <c>google.rpc.Status</c> error envelope: <c>{"error": {...}}</c>.</summary>
internal sealed class ErrorEnvelope
{
    public ErrorBody? Error { get; set; }
}

/// <summary>The <c>google.rpc.Status</c> of an error.</summary>
internal sealed class ErrorBody
{
    public int? Code { get; set; }

    public string? Message { get; set; }

    public string? Status { get; set; }

    /// <summary>Typed details (<c>RetryInfo</c>, <c>QuotaFailure</c>, <c>ErrorInfo</c>, …), told apart by their <c>@type</c>.</summary>
    public List<JsonElement>? Details { get; set; }
}

/// <summary>Source-generated serialization of the wire types: camelCase, nulls left out of requests.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(GenerateContentRequest))]
[JsonSerializable(typeof(GenerateContentResponse))]
[JsonSerializable(typeof(ErrorEnvelope))]
internal sealed partial class GeminiJsonContext : JsonSerializerContext;
