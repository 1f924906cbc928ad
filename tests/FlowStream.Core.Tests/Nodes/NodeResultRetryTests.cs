using FlowStream.Tests.Infrastructure;

namespace FlowStream.Tests.Nodes;

/// <summary>Issue 11: a failure its node marks as not retryable is never tried again, whatever the node's retry policy.</summary>
public class NodeResultRetryTests
{
    [Fact]
    public void Failure_IsRetryableByDefault_AndCanSayOtherwise()
    {
        NodeResult.Failure("boom").IsRetryable.Should().BeTrue();
        NodeResult.Failure("boom", isRetryable: false).IsRetryable.Should().BeFalse();
        NodeResult.Failure("boom", isRetryable: false).ErrorMessage.Should().Be("boom");
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 3)]
    public async Task Engine_NonRetryableFailure_IsNotRetried(bool retryable, int expectedCalls)
    {
        var calls = 0;
        await using var host = TestEngine.Create(b => b.AddNode("refuse", (_, _) =>
        {
            Interlocked.Increment(ref calls);
            return ValueTask.FromResult(NodeResult.Failure("400 INVALID_ARGUMENT", retryable));
        }));
        var workflow = new WorkflowBuilder("w")
            .AddNode(new NodeDefinition { Name = "Call", Type = "refuse", Retry = new NodeRetryPolicy { MaxTries = 3 } })
            .Build();

        var execution = host.Engine.Start(workflow);
        var status = await execution.Completion.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        status.Should().Be(ExecutionStatus.Error);
        calls.Should().Be(expectedCalls);
        execution.ErrorMessage.Should().Be("400 INVALID_ARGUMENT");
    }
}
