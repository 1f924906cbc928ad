namespace FlowStream;

/// <summary>
/// Mints execution ids. The default (registered by <c>AddFlowStream()</c>) derives them from the clock: positive, increasing,
/// no larger than 2^53 − 1 (so JavaScript reads them exactly) and unique across restarts of one host. A backplane that lets
/// several hosts share executions (FlowStream.Redis) replaces it so ids are unique across the hosts too.
/// </summary>
public interface IExecutionIdGenerator
{
    /// <summary>Returns a new execution id. Called once per started execution, before anything of it is published.</summary>
    /// <returns>A positive id no larger than 2^53 − 1 that was never returned before by any host sharing the executions.</returns>
    /// <exception cref="ExecutionStoreUnavailableException">The shared store cannot accept a new execution now; nothing is started.</exception>
    long NextId();
}
