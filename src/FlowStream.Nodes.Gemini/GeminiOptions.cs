using System.Globalization;

namespace FlowStream.Nodes.Gemini;

/// <summary>
/// Options of <see cref="GeminiChatClient"/> and the <c>gemini</c> node: where the API is, which key and model to use, how long to
/// wait and how to retry. Bound from the configuration section <c>FlowStream:Gemini</c> (see <see cref="SectionName"/>) and
/// configurable with <c>AddGemini(options => ...)</c>.
/// </summary>
/// <remarks>
/// The options are validated when the application starts (or when first used without a host); an out-of-range value gives an
/// <c>OptionsValidationException</c> that names it. <see cref="ToString"/> never shows the API key.
/// </remarks>
public sealed class GeminiOptions
{
    /// <summary>The configuration section the options are bound from: <c>FlowStream:Gemini</c>.</summary>
    public const string SectionName = "FlowStream:Gemini";

    /// <summary>The environment variable read for the API key when <see cref="ApiKey"/> is not set: <c>GEMINI_API_KEY</c>.</summary>
    public const string ApiKeyEnvironmentVariable = "GEMINI_API_KEY";

    /// <summary>The default of <see cref="BaseUrl"/>: the Gemini API's root, <c>https://generativelanguage.googleapis.com</c>.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://generativelanguage.googleapis.com");

    /// <summary>The default of <see cref="DefaultModel"/>: <c>gemini-2.5-flash</c>.</summary>
    public const string DefaultModelId = "gemini-2.5-flash";

    /// <summary>
    /// Gets or sets the Gemini API key. Default <see langword="null"/>: the <c>GEMINI_API_KEY</c> environment variable is read
    /// instead, each time a request is made. With neither, requests fail with <c>API key not configured</c> before anything is sent.
    /// The key is sent only in the <c>x-goog-api-key</c> header.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Gets or sets the API's root without the version. Default <c>https://generativelanguage.googleapis.com</c>; an absolute
    /// <c>http</c> or <c>https</c> URL without query or fragment (a path, for a proxy, is kept). The client appends
    /// <c>/v1beta/models/{model}:generateContent</c> or <c>:streamGenerateContent?alt=sse</c>.
    /// </summary>
    public Uri BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>
    /// Gets or sets the model used when a request names none. Default <c>gemini-2.5-flash</c>; letters, digits, <c>.</c>, <c>-</c>
    /// and <c>_</c> (a leading <c>models/</c> is allowed and removed).
    /// </summary>
    public string DefaultModel { get; set; } = DefaultModelId;

    /// <summary>
    /// Gets or sets how long one attempt may take: for a unary call, the whole response; for a stream, the wait for the response
    /// headers and then for each next chunk. Default 100 seconds; more than zero, or <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>.
    /// An attempt that times out counts as a transport failure and is retried like one.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Gets or sets the most attempts per request, the first included. Default 5; from 1 (no retry) to 20.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Gets or sets the first wait of the exponential backoff used when the server names no delay (it doubles after each attempt).
    /// Default 1 second; at least zero and at most <see cref="MaxDelay"/>.
    /// </summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets the longest exponential-backoff wait, before jitter. Default 60 seconds; at least <see cref="BaseDelay"/>.
    /// A delay the server asks for (<c>RetryInfo.retryDelay</c>, <c>Retry-After</c>) is not capped by it, only by <see cref="MaxTotalWait"/>.
    /// </summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets the most time one request may spend waiting between attempts, all waits added up. Default 2 minutes; at least
    /// zero. When the next wait would go beyond it, the request fails at once with the server's error and the delay it asked for.
    /// </summary>
    public TimeSpan MaxTotalWait { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Gets or sets the largest response body of a unary call (<c>generateContent</c>) that is read, in bytes. Default 16 MiB; at least
    /// 1 KiB. A larger body fails the request (not retried) without being read further.
    /// </summary>
    public long MaxResponseBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// Gets or sets the longest line of a streamed response (<c>streamGenerateContent</c>), in bytes: one SSE <c>data:</c> line holds
    /// one chunk. Default 1 MiB; at least 1 KiB. A longer line fails the request (not retried).
    /// </summary>
    public int MaxStreamLineBytes { get; set; } = 1024 * 1024;

    /// <summary>Describes the options without the API key (only whether one is set).</summary>
    /// <returns>The options as text.</returns>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"GeminiOptions {{ ApiKey = {(string.IsNullOrWhiteSpace(ApiKey) ? "(not set)" : "(set)")}, BaseUrl = {BaseUrl}, DefaultModel = {DefaultModel}, Timeout = {Timeout}, MaxAttempts = {MaxAttempts}, BaseDelay = {BaseDelay}, MaxDelay = {MaxDelay}, MaxTotalWait = {MaxTotalWait}, MaxResponseBytes = {MaxResponseBytes}, MaxStreamLineBytes = {MaxStreamLineBytes} }}");
}
