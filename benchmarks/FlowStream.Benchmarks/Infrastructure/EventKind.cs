namespace FlowStream.Benchmarks.Infrastructure;

/// <summary>What a benchmark client needs to know of a parsed event: its type, read from the start of its JSON.</summary>
internal enum EventKind
{
    Other,
    NodeExecutionBefore,
    NodeExecutionAfter,
    ExecutionFinished,
}

internal static class EventKinds
{
    /// <summary>An <c>SseItemParser</c>: FlowStream's JSON starts with its type, so a prefix is enough and nothing is allocated.</summary>
    public static EventKind Parse(string eventType, ReadOnlySpan<byte> data)
        => data.StartsWith("{\"type\":\"nodeExecutionAfter\""u8) ? EventKind.NodeExecutionAfter
        : data.StartsWith("{\"type\":\"nodeExecutionBefore\""u8) ? EventKind.NodeExecutionBefore
        : data.StartsWith("{\"type\":\"executionFinished\""u8) ? EventKind.ExecutionFinished
        : EventKind.Other;
}
