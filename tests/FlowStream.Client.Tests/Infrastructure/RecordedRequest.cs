namespace FlowStream.Client.Tests.Infrastructure;

/// <summary>One request the fake server received, as the client sent it.</summary>
internal sealed record RecordedRequest(string Method, string Path, string? LastEventId, string? Accept, string? ContentType, string Body)
{
    public string Route => $"{Method} {Path}";
}
