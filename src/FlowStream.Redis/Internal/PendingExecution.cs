namespace FlowStream.Redis.Internal;

/// <summary>What one execution of this host has published and Redis has not acknowledged yet, and what was written of it.</summary>
internal sealed class PendingExecution(long executionId, long publishedAt)
{
    public readonly Lock Gate = new();

    public long ExecutionId { get; } = executionId;

    /// <summary>Events not yet sent, in order. Guarded by <see cref="Gate"/>.</summary>
    public List<PendingEvent> Queue { get; set; } = [];

    /// <summary>Bytes of <see cref="Queue"/> plus what is in flight. Guarded by <see cref="Gate"/>.</summary>
    public long BufferedBytes { get; set; }

    public long LastAppended { get; set; }

    public long Acknowledged { get; set; }

    /// <summary>Set once <c>executionFinished</c> is acknowledged, or the execution is fenced off: nothing more is sent.</summary>
    public bool Done { get; set; }

    /// <summary>Set when Redis fenced this host off (another instance ended the execution) or lost its record.</summary>
    public bool Dead { get; set; }

    /// <summary>Set when the buffer overflowed and the execution was told to fail.</summary>
    public bool Overflowed { get; set; }

    /// <summary>Set while the flusher has it queued.</summary>
    public bool Scheduled { get; set; }

    /// <summary>Set once Redis has its first event (its lease then needs renewing).</summary>
    public bool Registered { get; set; }

    public long FirstPublishedAt { get; set; } = publishedAt;

    /// <summary>Sequence and size of the events retained in Redis, oldest first (for trimming by bytes). Flusher only.</summary>
    public Queue<(long Sequence, int Size)> Retained { get; } = new();

    public long RetainedBytes { get; set; }

    /// <summary>What was last written of each node (status, attempts, finished), to send only the nodes that changed. Flusher only.</summary>
    public (NodeExecutionStatus Status, int Attempts, bool Finished)[]? WrittenNodes { get; set; }

    /// <summary>Who waits for Redis to acknowledge events up to a sequence number. Guarded by <see cref="Gate"/>.</summary>
    public List<(long UpTo, TaskCompletionSource Done)> FlushWaiters { get; } = [];
}

/// <summary>One event waiting for Redis.</summary>
internal readonly record struct PendingEvent(long Sequence, byte[] Utf8Json, bool IsTerminal, long PublishedAt);
