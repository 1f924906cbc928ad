using System.Collections.Concurrent;

namespace FlowStream.AspNetCore.Tests.Infrastructure;

/// <summary>A node type "gate" that waits until the test releases the gate named by its <c>gate</c> parameter.</summary>
internal sealed class Gates
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();

    public void Release(string name) => Get(name).TrySetResult();

    public void Register(FlowStreamBuilder builder) => builder.AddNode("gate", async (context, cancellationToken) =>
    {
        var name = context.Parameters.TryGetProperty("gate", out var gate) ? gate.GetString()! : context.Node.Name;
        await Get(name).Task.WaitAsync(cancellationToken);
        return NodeResult.Success(context.Input);
    });

    private TaskCompletionSource Get(string name) => _gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
