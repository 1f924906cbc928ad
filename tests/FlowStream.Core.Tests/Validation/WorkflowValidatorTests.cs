using System.Text.Json;
using FlowStream.Tests.Infrastructure;

namespace FlowStream.Tests.Validation;

/// <summary>Validation through <see cref="IWorkflowEngine.Validate"/> and <see cref="IWorkflowEngine.Start"/>.</summary>
public class WorkflowValidatorTests
{
    private const int DefaultMaxParametersBytes = 256 * 1024;

    // Compact JSON {"s":""} is 8 bytes; every ASCII character of the string adds one.
    private const int EmptyStringParametersBytes = 8;

    [Fact]
    public async Task Validate_ValidChain_ReportsNoProblems()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode("A", "manualTrigger")
            .AddNode("B", "noOp")
            .AddNode("C", "set", """{"values":{"x":"{{ $json.a }}"}}""")
            .Chain("A", "B", "C")
            .Build();

        host.Engine.Validate(workflow).Should().BeEmpty();
    }

    [Fact]
    public async Task Validate_NoNodes_ReportsNoNodes()
    {
        await using var host = TestEngine.Create();

        var problems = host.Engine.Validate(new WorkflowBuilder("w").Build());

        var problem = problems.Should().ContainSingle().Subject;
        problem.Code.Should().Be(WorkflowValidationCodes.NoNodes);
        problem.NodeName.Should().BeNull();
        problem.Connection.Should().BeNull();
    }

    [Fact]
    public async Task Validate_NodesNullFromJson_ReportsNoNodes()
    {
        await using var host = TestEngine.Create();
        var workflow = WorkflowDefinition.FromJson("""{"id":"w","nodes":null,"connections":null}""");

        host.Engine.Validate(workflow).Select(p => p.Code).Should().Equal(WorkflowValidationCodes.NoNodes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Validate_EmptyNodeName_ReportsEmptyNodeName(string name)
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("A", "noOp").AddNode(name, "noOp").Build();

        var problem = host.Engine.Validate(workflow).Should().ContainSingle().Subject;

        problem.Code.Should().Be(WorkflowValidationCodes.EmptyNodeName);
        problem.NodeName.Should().BeNull();
        problem.Message.Should().Contain("#2");
    }

    [Fact]
    public async Task Validate_NullNodeFromJson_ReportsEmptyNodeName()
    {
        await using var host = TestEngine.Create();
        var workflow = WorkflowDefinition.FromJson("""{"id":"w","nodes":[{"name":"A","type":"noOp"},null]}""");

        host.Engine.Validate(workflow).Select(p => p.Code).Should().Equal(WorkflowValidationCodes.EmptyNodeName);
    }

    [Fact]
    public async Task Validate_DuplicateNodeName_ReportsOneProblemNamingTheNode()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode("A", "noOp")
            .AddNode("B", "noOp")
            .AddNode("A", "noOp")
            .AddNode("A", "noOp")
            .Build();

        var problem = host.Engine.Validate(workflow).Should().ContainSingle().Subject;

        problem.Code.Should().Be(WorkflowValidationCodes.DuplicateNodeName);
        problem.NodeName.Should().Be("A");
        problem.NodeNames.Should().Equal("A");
    }

    [Fact]
    public async Task Validate_NodeNamesDifferingInCase_AreNotDuplicates()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("a", "noOp").AddNode("A", "noOp").Build();

        host.Engine.Validate(workflow).Should().BeEmpty();
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public async Task Validate_EmptyNodeType_ReportsEmptyNodeType(string type)
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("A", type).Build();

        var problem = host.Engine.Validate(workflow).Should().ContainSingle().Subject;

        problem.Code.Should().Be(WorkflowValidationCodes.EmptyNodeType);
        problem.NodeName.Should().Be("A");
    }

    [Theory]
    [InlineData("doesNotExist")]
    [InlineData("NoOp")]
    [InlineData("custom ")]
    public async Task Validate_UnregisteredNodeType_ReportsUnknownNodeType(string type)
    {
        await using var host = TestEngine.Create(nodes => nodes.AddNode("custom", (_, _) => new ValueTask<NodeResult>(NodeResult.Success())));
        var workflow = new WorkflowBuilder("w").AddNode("A", "custom").AddNode("B", type).Connect("A", "B").Build();

        var problem = host.Engine.Validate(workflow).Should().ContainSingle().Subject;

        problem.Code.Should().Be(WorkflowValidationCodes.UnknownNodeType);
        problem.NodeName.Should().Be("B");
        problem.Message.Should().Contain($"'{type}'");
    }

    [Fact]
    public async Task Validate_RegisteredCustomType_ReportsNoProblems()
    {
        await using var host = TestEngine.Create(nodes => nodes.AddNode("custom", (_, _) => new ValueTask<NodeResult>(NodeResult.Success())));
        var workflow = new WorkflowBuilder("w").AddNode("A", "custom").Build();

        host.Engine.Validate(workflow).Should().BeEmpty();
    }

    [Fact]
    public async Task Validate_ConnectionFromUnknownNode_ReportsUnknownConnectionSource()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("A", "noOp").Connect("Ghost", "A").Build();

        var problem = host.Engine.Validate(workflow).Should().ContainSingle().Subject;

        problem.Code.Should().Be(WorkflowValidationCodes.UnknownConnectionSource);
        problem.Connection.Should().BeSameAs(workflow.Connections[0]);
        problem.Message.Should().Contain("'Ghost'");
    }

    [Fact]
    public async Task Validate_ConnectionToUnknownNode_ReportsUnknownConnectionTarget()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("A", "noOp").Connect("A", "Ghost").Build();

        var problem = host.Engine.Validate(workflow).Should().ContainSingle().Subject;

        problem.Code.Should().Be(WorkflowValidationCodes.UnknownConnectionTarget);
        problem.Connection.Should().BeSameAs(workflow.Connections[0]);
        problem.Message.Should().Contain("'Ghost'");
    }

    [Fact]
    public async Task Validate_ConnectionBetweenTwoUnknownNodes_ReportsSourceAndTarget()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("A", "noOp").Connect("X", "Y").Build();

        var problems = host.Engine.Validate(workflow);

        problems.Select(p => p.Code).Should().BeEquivalentTo([WorkflowValidationCodes.UnknownConnectionSource, WorkflowValidationCodes.UnknownConnectionTarget]);
        problems.Should().OnlyContain(p => ReferenceEquals(p.Connection, workflow.Connections[0]));
    }

    [Fact]
    public async Task Validate_SelfLoop_ReportsSelfLoopAndNoCycle()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("A", "noOp").AddNode("B", "noOp").Connect("A", "B").Connect("B", "B").Build();

        var problem = host.Engine.Validate(workflow).Should().ContainSingle().Subject;

        problem.Code.Should().Be(WorkflowValidationCodes.SelfLoop);
        problem.NodeName.Should().Be("B");
        problem.Connection.Should().BeSameAs(workflow.Connections[1]);
    }

    [Fact]
    public async Task Validate_ThreeNodeCycle_NamesTheNodesInCycleOrder()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode("A", "noOp")
            .AddNode("B", "noOp")
            .AddNode("C", "noOp")
            .Chain("A", "B", "C", "A")
            .Build();

        var problem = host.Engine.Validate(workflow).Should().ContainSingle().Subject;

        problem.Code.Should().Be(WorkflowValidationCodes.Cycle);
        problem.NodeNames.Should().Equal("A", "B", "C");
        problem.Message.Should().Contain("A -> B -> C -> A");
    }

    [Fact]
    public async Task Validate_CycleAgainstDefinitionOrder_NamesTheNodesInCycleOrderNotDefinitionOrder()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode("A", "noOp")
            .AddNode("B", "noOp")
            .AddNode("C", "noOp")
            .Chain("A", "C", "B", "A")
            .Build();

        var problem = host.Engine.Validate(workflow).Should().ContainSingle().Subject;

        problem.Code.Should().Be(WorkflowValidationCodes.Cycle);
        problem.NodeNames.Should().Equal("A", "C", "B");
    }

    [Fact]
    public async Task Validate_CycleWithUpstreamAndDownstreamNodes_NamesOnlyTheNodesOnTheCycle()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode("Start", "manualTrigger")
            .AddNode("A", "noOp")
            .AddNode("B", "noOp")
            .AddNode("C", "noOp")
            .AddNode("After1", "noOp")
            .AddNode("After2", "noOp")
            .Chain("Start", "A", "B", "C", "A")
            .Chain("B", "After1", "After2")
            .Build();

        var problem = host.Engine.Validate(workflow).Should().ContainSingle().Subject;

        problem.Code.Should().Be(WorkflowValidationCodes.Cycle);
        problem.NodeNames.Should().Equal("A", "B", "C");
    }

    [Fact]
    public async Task Validate_TwoNodeCycle_NamesBothNodes()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("A", "noOp").AddNode("B", "noOp").Chain("A", "B", "A").Build();

        var problem = host.Engine.Validate(workflow).Should().ContainSingle().Subject;

        problem.NodeNames.Should().Equal("A", "B");
    }

    [Fact]
    public async Task Validate_TwoSeparateCycles_ReportsOneProblemForEach()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode("A", "noOp")
            .AddNode("B", "noOp")
            .AddNode("Bridge", "noOp")
            .AddNode("C", "noOp")
            .AddNode("D", "noOp")
            .AddNode("E", "noOp")
            .Chain("A", "B", "A")
            .Chain("B", "Bridge", "C")
            .Chain("C", "D", "E", "C")
            .Build();

        var problems = host.Engine.Validate(workflow);

        problems.Should().HaveCount(2).And.OnlyContain(p => p.Code == WorkflowValidationCodes.Cycle);
        problems[0].NodeNames.Should().Equal("A", "B");
        problems[1].NodeNames.Should().Equal("C", "D", "E");
    }

    [Fact]
    public async Task Validate_DuplicateConnectionsInAChain_ReportNoCycle()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("A", "noOp").AddNode("B", "noOp").Connect("A", "B").Connect("A", "B").Build();

        host.Engine.Validate(workflow).Should().BeEmpty();
    }

    [Fact]
    public async Task Validate_DiamondWithoutCycle_ReportsNoProblems()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode("A", "noOp")
            .AddNode("B", "noOp")
            .AddNode("C", "noOp")
            .AddNode("D", "noOp")
            .Chain("A", "B", "D")
            .Chain("A", "C", "D")
            .Connect("A", "D")
            .Build();

        host.Engine.Validate(workflow).Should().BeEmpty();
    }

    [Theory]
    [InlineData(3, 3, false)]
    [InlineData(3, 4, true)]
    [InlineData(1, 1, false)]
    [InlineData(1, 2, true)]
    public async Task Validate_NodeCountAgainstConfiguredLimit_ReportsTooManyNodesOnlyAboveTheLimit(int limit, int count, bool tooMany)
    {
        await using var host = TestEngine.Create(configureOptions: o => o.MaxNodesPerWorkflow = limit);

        var problems = host.Engine.Validate(Nodes(count));

        if (tooMany)
        {
            var problem = problems.Should().ContainSingle().Subject;
            problem.Code.Should().Be(WorkflowValidationCodes.TooManyNodes);
            problem.Message.Should().Contain($"{count}").And.Contain($"{limit}");
        }
        else
        {
            problems.Should().BeEmpty();
        }
    }

    [Theory]
    [InlineData(1_000, false)]
    [InlineData(1_001, true)]
    public async Task Validate_NodeCountAgainstDefaultLimit_AllowsOneThousandNodes(int count, bool tooMany)
    {
        await using var host = TestEngine.Create();

        var codes = host.Engine.Validate(Nodes(count)).Select(p => p.Code);

        if (tooMany)
        {
            codes.Should().Equal(WorkflowValidationCodes.TooManyNodes);
        }
        else
        {
            codes.Should().BeEmpty();
        }
    }

    [Theory]
    [InlineData(20, 20, false)]
    [InlineData(20, 21, true)]
    public async Task Validate_ParametersSizeAgainstConfiguredLimit_ReportsParametersTooLargeOnlyAboveTheLimit(int limit, int size, bool tooLarge)
    {
        await using var host = TestEngine.Create(configureOptions: o => o.MaxParametersBytesPerNode = limit);
        var workflow = new WorkflowBuilder("w").AddNode("A", "noOp").AddNode("Big", "noOp", ParametersOfSize(size)).Build();

        var problems = host.Engine.Validate(workflow);

        if (tooLarge)
        {
            var problem = problems.Should().ContainSingle().Subject;
            problem.Code.Should().Be(WorkflowValidationCodes.ParametersTooLarge);
            problem.NodeName.Should().Be("Big");
            problem.Message.Should().Contain($"{size}").And.Contain($"{limit}");
        }
        else
        {
            problems.Should().BeEmpty();
        }
    }

    [Theory]
    [InlineData(DefaultMaxParametersBytes, false)]
    [InlineData(DefaultMaxParametersBytes + 1, true)]
    public async Task Validate_ParametersSizeAgainstDefaultLimit_Allows256KiB(int size, bool tooLarge)
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("Big", "noOp", ParametersOfSize(size)).Build();

        var codes = host.Engine.Validate(workflow).Select(p => p.Code);

        if (tooLarge)
        {
            codes.Should().Equal(WorkflowValidationCodes.ParametersTooLarge);
        }
        else
        {
            codes.Should().BeEmpty();
        }
    }

    [Fact]
    public async Task Validate_ParametersSize_IsMeasuredAsCompactJson()
    {
        await using var host = TestEngine.Create(configureOptions: o => o.MaxParametersBytesPerNode = 20);

        // 20 bytes once compact, much more as written.
        var workflow = new WorkflowBuilder("w").AddNode("A", "noOp", "{ \"s\" :     \"123456789012\"   }").Build();

        host.Engine.Validate(workflow).Should().BeEmpty();
    }

    [Fact]
    public async Task Validate_ParametersSize_CountsNonAsciiTextAsItsUtf8Bytes()
    {
        await using var host = TestEngine.Create(configureOptions: o => o.MaxParametersBytesPerNode = 100);

        // 40 two-byte characters: 88 bytes of compact UTF-8 JSON (248 if each were written as a \u00e9 escape).
        var workflow = new WorkflowBuilder("w").AddNode("A", "noOp", $$"""{"s":"{{new string('é', 40)}}"}""").Build();

        host.Engine.Validate(workflow).Should().BeEmpty();
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("true")]
    public async Task Validate_ParametersNotAnObject_ReportsInvalidParameters(string parameters)
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("A", "noOp", parameters).Build();

        var problem = host.Engine.Validate(workflow).Should().ContainSingle().Subject;

        problem.Code.Should().Be(WorkflowValidationCodes.InvalidParameters);
        problem.NodeName.Should().Be("A");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("null")]
    public async Task Validate_ParametersObjectOrNull_AreAccepted(string parameters)
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("A", "noOp", parameters).Build();

        host.Engine.Validate(workflow).Should().BeEmpty();
    }

    [Theory]
    [InlineData(0, 0, 1.0)]
    [InlineData(-1, 0, 1.0)]
    [InlineData(3, -1, 1.0)]
    [InlineData(3, 0, 0.5)]
    [InlineData(3, 0, double.NaN)]
    [InlineData(3, 0, double.PositiveInfinity)]
    public async Task Validate_RetryOutOfRange_ReportsInvalidRetry(int maxTries, int waitMs, double backoffMultiplier)
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode(new NodeDefinition { Name = "A", Type = "noOp", Retry = new NodeRetryPolicy { MaxTries = maxTries, WaitMs = waitMs, BackoffMultiplier = backoffMultiplier } })
            .Build();

        var problem = host.Engine.Validate(workflow).Should().ContainSingle().Subject;

        problem.Code.Should().Be(WorkflowValidationCodes.InvalidRetry);
        problem.NodeName.Should().Be("A");
    }

    [Theory]
    [InlineData("""{"maxTries":3}""")]
    [InlineData("""{"maxTries":3,"waitMs":100}""")]
    [InlineData("""{"waitMs":100}""")]
    [InlineData("{}")]
    public async Task Validate_RetryFromJsonWithOmittedFields_IsAccepted(string retryJson)
    {
        await using var host = TestEngine.Create();
        var workflow = WorkflowDefinition.FromJson($$"""{"id":"w","nodes":[{"name":"A","type":"noOp","retry":{{retryJson}}}]}""");

        host.Engine.Validate(workflow).Should().BeEmpty();
    }

    [Theory]
    [InlineData(1, 0, 1.0)]
    [InlineData(5, 1000, 2.5)]
    public async Task Validate_RetryInRange_IsAccepted(int maxTries, int waitMs, double backoffMultiplier)
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode(new NodeDefinition { Name = "A", Type = "noOp", Retry = new NodeRetryPolicy { MaxTries = maxTries, WaitMs = waitMs, BackoffMultiplier = backoffMultiplier } })
            .Build();

        host.Engine.Validate(workflow).Should().BeEmpty();
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(-5, true)]
    [InlineData(1, false)]
    public async Task Validate_Timeout_ReportsInvalidTimeoutUnlessPositive(int timeoutMs, bool invalid)
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode(new NodeDefinition { Name = "A", Type = "noOp", TimeoutMs = timeoutMs }).Build();

        var problems = host.Engine.Validate(workflow);

        if (invalid)
        {
            var problem = problems.Should().ContainSingle().Subject;
            problem.Code.Should().Be(WorkflowValidationCodes.InvalidTimeout);
            problem.NodeName.Should().Be("A");
        }
        else
        {
            problems.Should().BeEmpty();
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task Validate_WorkflowParallelismBelowOne_ReportsInvalidParallelism(int parallelism)
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowDefinition
        {
            Id = "w",
            Nodes = [new NodeDefinition { Name = "A", Type = "noOp" }],
            Settings = new WorkflowSettings { MaxDegreeOfParallelism = parallelism },
        };

        var problem = host.Engine.Validate(workflow).Should().ContainSingle().Subject;

        problem.Code.Should().Be(WorkflowValidationCodes.InvalidParallelism);
        problem.Message.Should().Contain($"{parallelism}");
    }

    [Fact]
    public async Task Start_RequestParallelismBelowOne_ThrowsInvalidParallelism()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("A", "noOp").WithMaxDegreeOfParallelism(2).Build();

        var act = () => host.Engine.Start(workflow, new ExecutionRequest { MaxDegreeOfParallelism = 0 });

        act.Should().Throw<WorkflowValidationException>()
            .Which.Problems.Select(p => p.Code).Should().Equal(WorkflowValidationCodes.InvalidParallelism);
        host.Engine.ListExecutions().Should().BeEmpty();
    }

    [Fact]
    public async Task Start_RequestParallelismOverridesInvalidWorkflowSetting_Runs()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowDefinition
        {
            Id = "w",
            Nodes = [new NodeDefinition { Name = "A", Type = "noOp" }],
            Settings = new WorkflowSettings { MaxDegreeOfParallelism = 0 },
        };

        var execution = host.Engine.Start(workflow, new ExecutionRequest { MaxDegreeOfParallelism = 2 });

        (await execution.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Success);
    }

    [Fact]
    public async Task Start_SeveralProblems_ThrowsOneExceptionListingAllOfThem()
    {
        await using var host = TestEngine.Create(configureOptions: o => o.MaxParametersBytesPerNode = 50);
        var workflow = new WorkflowDefinition
        {
            Id = "broken",
            Nodes =
            [
                new NodeDefinition { Name = "", Type = "noOp" },
                new NodeDefinition { Name = "Dup", Type = "noOp" },
                new NodeDefinition { Name = "Dup", Type = "noOp" },
                new NodeDefinition { Name = "NoType", Type = "" },
                new NodeDefinition { Name = "Unknown", Type = "nope" },
                new NodeDefinition { Name = "Big", Type = "noOp", Parameters = Parse(ParametersOfSize(51)) },
                new NodeDefinition { Name = "Array", Type = "noOp", Parameters = Parse("[]") },
                new NodeDefinition { Name = "Retry", Type = "noOp", Retry = new NodeRetryPolicy { MaxTries = 0 } },
                new NodeDefinition { Name = "Timeout", Type = "noOp", TimeoutMs = 0 },
                new NodeDefinition { Name = "X", Type = "noOp" },
                new NodeDefinition { Name = "Y", Type = "noOp" },
            ],
            Connections =
            [
                new ConnectionDefinition { From = "Ghost", To = "X" },
                new ConnectionDefinition { From = "X", To = "Phantom" },
                new ConnectionDefinition { From = "Y", To = "Y" },
                new ConnectionDefinition { From = "X", To = "Retry" },
                new ConnectionDefinition { From = "Retry", To = "X" },
            ],
            Settings = new WorkflowSettings { MaxDegreeOfParallelism = 0 },
        };

        var act = () => host.Engine.Start(workflow);

        var exception = act.Should().Throw<WorkflowValidationException>().Which;
        exception.WorkflowId.Should().Be("broken");
        exception.Problems.Select(p => p.Code).Should().BeEquivalentTo(
        [
            WorkflowValidationCodes.InvalidParallelism,
            WorkflowValidationCodes.EmptyNodeName,
            WorkflowValidationCodes.DuplicateNodeName,
            WorkflowValidationCodes.EmptyNodeType,
            WorkflowValidationCodes.UnknownNodeType,
            WorkflowValidationCodes.ParametersTooLarge,
            WorkflowValidationCodes.InvalidParameters,
            WorkflowValidationCodes.InvalidRetry,
            WorkflowValidationCodes.InvalidTimeout,
            WorkflowValidationCodes.UnknownConnectionSource,
            WorkflowValidationCodes.UnknownConnectionTarget,
            WorkflowValidationCodes.SelfLoop,
            WorkflowValidationCodes.Cycle,
        ]);
        exception.Problems.Single(p => p.Code == WorkflowValidationCodes.Cycle).NodeNames.Should().Equal("Retry", "X");
        exception.Problems.Single(p => p.Code == WorkflowValidationCodes.UnknownNodeType).NodeName.Should().Be("Unknown");
        exception.Problems.Single(p => p.Code == WorkflowValidationCodes.SelfLoop).NodeName.Should().Be("Y");
        host.Engine.Validate(workflow).Select(p => p.Code).Should().Equal(exception.Problems.Select(p => p.Code));
        host.Engine.ListExecutions().Should().BeEmpty();
    }

    [Fact]
    public async Task Start_InvalidWorkflow_MessageListsEveryProblem()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("wf-7").AddNode("A", "nope").AddNode("B", "noOp").Connect("B", "Ghost").Build();

        var exception = FluentActions.Invoking(() => host.Engine.Start(workflow)).Should().Throw<WorkflowValidationException>().Which;

        exception.Problems.Should().HaveCount(2);
        exception.Message.Should().Contain("'wf-7'").And.Contain("2 problem(s)");
        foreach (var problem in exception.Problems)
        {
            exception.Message.Should().Contain($"- {problem.Code}: {problem.Message}");
        }
    }

    [Fact]
    public async Task Start_InvalidWorkflow_StartsNothingAndPublishesNoEvents()
    {
        await using var host = TestEngine.Create();
        var valid = new WorkflowBuilder("ok").AddNode("A", "noOp").Build();
        var invalid = new WorkflowBuilder("bad").AddNode("A", "noOp").Connect("A", "A").Build();

        FluentActions.Invoking(() => host.Engine.Start(invalid)).Should().Throw<WorkflowValidationException>();
        var execution = host.Engine.Start(valid);
        await execution.Completion.WithTimeout("the execution to finish");

        host.Engine.ListExecutions().Should().ContainSingle().Which.Workflow.Should().BeSameAs(valid);
        var events = await host.CollectAsync(execution.Id, cancellationToken: TestContext.Current.CancellationToken);
        events.Select(e => e.ExecutionId).Should().OnlyContain(id => id == execution.Id);
    }

    [Fact]
    public async Task RunWithEventsAsync_InvalidWorkflow_ThrowsBeforeAnyEvent()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("A", "nope").Build();
        var received = 0;

        var act = async () =>
        {
            await foreach (var _ in host.Engine.RunWithEventsAsync(workflow, cancellationToken: TestContext.Current.CancellationToken))
            {
                received++;
            }
        };

        (await act.Should().ThrowAsync<WorkflowValidationException>()).Which.Problems.Select(p => p.Code).Should().Equal(WorkflowValidationCodes.UnknownNodeType);
        received.Should().Be(0);
        host.Engine.ListExecutions().Should().BeEmpty();
    }

    private static WorkflowDefinition Nodes(int count)
    {
        var builder = new WorkflowBuilder("many");
        for (var i = 0; i < count; i++)
        {
            builder.AddNode($"N{i}", "noOp");
        }

        for (var i = 1; i < count; i++)
        {
            builder.Connect($"N{i - 1}", $"N{i}");
        }

        return builder.Build();
    }

    private static string ParametersOfSize(int bytes)
        => $$"""{"s":"{{new string('x', bytes - EmptyStringParametersBytes)}}"}""";

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
