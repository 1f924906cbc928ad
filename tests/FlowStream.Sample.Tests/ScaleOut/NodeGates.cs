using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.Sample.Tests.ScaleOut;

/// <summary>
/// Replaces the <c>wait</c> node of several sample hosts with one that waits for the test instead of the clock: each node (by
/// name) says on which host and in which execution it started, then holds until the test releases it (or its execution is
/// canceled). The test decides what happens mid-node; no wall-clock wait can run out first.
/// </summary>
internal sealed class NodeGates
{
    private readonly ConcurrentDictionary<string, Gate> _gates = new(StringComparer.Ordinal);

    public Gate this[string nodeName] => _gates.GetOrAdd(nodeName, static _ => new Gate());

    /// <summary>Installs the gated <c>wait</c> node on a host, which reports itself as <paramref name="host"/>.</summary>
    public void InstallOn(WebApplicationBuilder builder, string host)
        => builder.Services.AddFlowStream().AddNode("wait", async (context, cancellationToken) =>
        {
            var gate = this[context.Node.Name];
            gate.Enter(host, context.ExecutionId);
            await gate.Released.WaitAsync(cancellationToken);
            return NodeResult.Success(context.Input);
        });

    internal sealed class Gate
    {
        private readonly TaskCompletionSource<(string Host, long ExecutionId)> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Gets the host and execution of the node's first start.</summary>
        public Task<(string Host, long ExecutionId)> Started => _started.Task;

        public Task Released => _released.Task;

        public void Release() => _released.TrySetResult();

        public void Enter(string host, long executionId) => _started.TrySetResult((host, executionId));
    }
}
