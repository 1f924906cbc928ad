using System.Text.Json;
using FlowStream.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowStream.Tests.Validation;

/// <summary>Issue 11: what a workflow asks for in tries, waits and timeouts is bounded by <see cref="FlowStreamOptions"/>.</summary>
public class WorkflowLimitsValidationTests
{
    [Theory]
    [InlineData(10, null)]
    [InlineData(11, WorkflowValidationCodes.TooManyTries)]
    [InlineData(int.MaxValue, WorkflowValidationCodes.TooManyTries)]
    [InlineData(0, WorkflowValidationCodes.InvalidRetry)]
    public async Task Validate_RetryMaxTries_IsBetween1AndMaxRetryTries(int maxTries, string? code)
    {
        await using var host = TestEngine.Create();

        var problems = host.Engine.Validate(Workflow(new NodeDefinition { Name = "A", Type = "noOp", Retry = new NodeRetryPolicy { MaxTries = maxTries } }));

        problems.Select(p => p.Code).Should().Equal(code is null ? [] : [code]);
        if (code == WorkflowValidationCodes.TooManyTries)
        {
            problems[0].NodeName.Should().Be("A");
            problems[0].Message.Should().Contain("MaxRetryTries").And.Contain("10");
        }
    }

    [Fact]
    public async Task Validate_MaxRetryTriesOption_IsHonoured()
    {
        await using var host = TestEngine.Create(configureOptions: o => o.MaxRetryTries = 3);

        host.Engine.Validate(Workflow(new NodeDefinition { Name = "A", Type = "noOp", Retry = new NodeRetryPolicy { MaxTries = 4 } }))
            .Should().ContainSingle().Which.Code.Should().Be(WorkflowValidationCodes.TooManyTries);
    }

    [Theory]
    [InlineData("""{"ms": 86400000}""", null)]
    [InlineData("""{"ms": 86400001}""", WorkflowValidationCodes.WaitTooLong)]
    [InlineData("""{"ms": 4233600000}""", WorkflowValidationCodes.WaitTooLong)]
    [InlineData("""{"ms": 5000000000}""", WorkflowValidationCodes.WaitTooLong)]
    [InlineData("""{"ms": 1e300}""", WorkflowValidationCodes.WaitTooLong)]
    [InlineData("""{"ms": "{{ $json.ms }}"}""", null)]
    public async Task Validate_WaitMs_AtMostMaxWait(string parameters, string? code)
    {
        await using var host = TestEngine.Create();

        var problems = host.Engine.Validate(Workflow(new NodeDefinition { Name = "Nap", Type = "wait", Parameters = JsonDocument.Parse(parameters).RootElement.Clone() }));

        problems.Select(p => p.Code).Should().Equal(code is null ? [] : [code]);
    }

    [Fact]
    public async Task Validate_RetryWaitAndTimeout_AtMostTheirMaximum()
    {
        await using var host = TestEngine.Create(configureOptions: o =>
        {
            o.MaxWait = TimeSpan.FromSeconds(10);
            o.MaxNodeTimeout = TimeSpan.FromSeconds(5);
        });

        var problems = host.Engine.Validate(Workflow(
            new NodeDefinition { Name = "A", Type = "noOp", Retry = new NodeRetryPolicy { MaxTries = 2, WaitMs = 10_001 } },
            new NodeDefinition { Name = "B", Type = "noOp", TimeoutMs = 5_001 },
            new NodeDefinition { Name = "C", Type = "noOp", TimeoutMs = 5_000, Retry = new NodeRetryPolicy { MaxTries = 2, WaitMs = 10_000 } }));

        problems.Select(p => (p.Code, p.NodeName)).Should().BeEquivalentTo([(WorkflowValidationCodes.WaitTooLong, "A"), (WorkflowValidationCodes.TimeoutTooLong, "B")]);
    }

    [Fact]
    public async Task WaitNode_TemplatedMsBeyondMaxWait_FailsTheNode()
    {
        await using var host = TestEngine.Create(configureOptions: o => o.MaxWait = TimeSpan.FromSeconds(1));
        var workflow = new WorkflowBuilder("w")
            .AddNode("Start", "manualTrigger")
            .AddNode("Nap", "wait", """{"ms": "{{ $json.ms }}"}""")
            .Chain("Start", "Nap")
            .Build();

        var execution = host.Engine.Start(workflow, new ExecutionRequest { InputData = JsonDocument.Parse("""{"ms": 5000}""").RootElement.Clone() });

        (await execution.Completion.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)).Should().Be(ExecutionStatus.Error);
        execution.ErrorMessage.Should().Contain("MaxWait").And.Contain("1000");
    }

    [Theory]
    [InlineData(nameof(FlowStreamOptions.MaxRetryTries))]
    [InlineData(nameof(FlowStreamOptions.MaxWait))]
    [InlineData(nameof(FlowStreamOptions.MaxNodeTimeout))]
    public void Options_OutOfRange_AreRejectedNamingTheOption(string option)
    {
        var services = new ServiceCollection();
        services.AddFlowStream(o =>
        {
            switch (option)
            {
                case nameof(FlowStreamOptions.MaxRetryTries): o.MaxRetryTries = 0; break;
                case nameof(FlowStreamOptions.MaxWait): o.MaxWait = TimeSpan.Zero; break;
                default: o.MaxNodeTimeout = TimeSpan.Zero; break;
            }
        });
        using var provider = services.BuildServiceProvider();

        var resolve = () => provider.GetRequiredService<IOptions<FlowStreamOptions>>().Value;

        resolve.Should().Throw<OptionsValidationException>().WithMessage($"*{option}*");
    }

    [Fact]
    public void Options_Defaults_AreTheDocumentedOnes()
    {
        var options = new FlowStreamOptions();

        options.MaxRetryTries.Should().Be(10);
        options.MaxWait.Should().Be(TimeSpan.FromHours(24));
        options.MaxNodeTimeout.Should().Be(TimeSpan.FromHours(24));
    }

    private static WorkflowDefinition Workflow(params NodeDefinition[] nodes)
    {
        var builder = new WorkflowBuilder("limits");
        foreach (var node in nodes)
        {
            builder.AddNode(node);
        }

        return builder.Build();
    }
}
