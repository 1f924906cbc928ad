using System.Text;
using System.Text.Json;

namespace FlowStream.Tests.Model;

public class WorkflowDefinitionTests
{
    /// <summary>Every field set, in the order <see cref="WorkflowDefinition.ToJson"/> writes them.</summary>
    private const string FullJson =
        """{"id":"order-flow","name":"Order flow","nodes":[{"name":"Start","type":"manualTrigger"},{"name":"Fetch","type":"http","parameters":{"url":"https://example.test/{{ $json.id }}","headers":{"a":"b"},"list":[1,2.5,true,null]},"retry":{"maxTries":3,"waitMs":250,"backoffMultiplier":2.5},"timeoutMs":5000,"continueOnFail":true,"disabled":true}],"connections":[{"from":"Start","to":"Fetch"}],"settings":{"maxDegreeOfParallelism":4}}""";

    [Fact]
    public void FromJson_EveryField_IsRead()
    {
        var workflow = WorkflowDefinition.FromJson(FullJson);

        workflow.Id.Should().Be("order-flow");
        workflow.Name.Should().Be("Order flow");
        workflow.Nodes.Select(n => (n.Name, n.Type)).Should().Equal(("Start", "manualTrigger"), ("Fetch", "http"));
        var start = workflow.Nodes[0];
        start.Parameters.ValueKind.Should().Be(JsonValueKind.Undefined);
        start.Retry.Should().BeNull();
        start.TimeoutMs.Should().BeNull();
        start.ContinueOnFail.Should().BeFalse();
        start.Disabled.Should().BeFalse();
        var fetch = workflow.Nodes[1];
        fetch.Parameters.GetRawText().Should().Be("""{"url":"https://example.test/{{ $json.id }}","headers":{"a":"b"},"list":[1,2.5,true,null]}""");
        fetch.Retry.Should().BeEquivalentTo(new NodeRetryPolicy { MaxTries = 3, WaitMs = 250, BackoffMultiplier = 2.5 });
        fetch.TimeoutMs.Should().Be(5000);
        fetch.ContinueOnFail.Should().BeTrue();
        fetch.Disabled.Should().BeTrue();
        workflow.Connections.Should().ContainSingle().Which.Should().BeEquivalentTo(new ConnectionDefinition { From = "Start", To = "Fetch" });
        workflow.Settings!.MaxDegreeOfParallelism.Should().Be(4);
    }

    [Fact]
    public void ToJson_EveryField_WritesCompactCamelCase()
    {
        var workflow = new WorkflowDefinition
        {
            Id = "order-flow",
            Name = "Order flow",
            Nodes =
            [
                new NodeDefinition { Name = "Start", Type = "manualTrigger" },
                new NodeDefinition
                {
                    Name = "Fetch",
                    Type = "http",
                    Parameters = Parse("""{ "url": "https://example.test/{{ $json.id }}", "headers": { "a": "b" }, "list": [1, 2.5, true, null] }"""),
                    Retry = new NodeRetryPolicy { MaxTries = 3, WaitMs = 250, BackoffMultiplier = 2.5 },
                    TimeoutMs = 5000,
                    ContinueOnFail = true,
                    Disabled = true,
                },
            ],
            Connections = [new ConnectionDefinition { From = "Start", To = "Fetch" }],
            Settings = new WorkflowSettings { MaxDegreeOfParallelism = 4 },
        };

        workflow.ToJson().Should().Be(FullJson);
    }

    [Fact]
    public void ToJson_FromJson_RoundTripsEveryField()
    {
        var once = WorkflowDefinition.FromJson(FullJson);

        var twice = WorkflowDefinition.FromJson(once.ToJson());

        twice.ToJson().Should().Be(FullJson);
        twice.Connections.Select(c => c.ToString()).Should().Equal("Start -> Fetch");
        twice.Settings!.MaxDegreeOfParallelism.Should().Be(4);
        twice.Nodes[0].Parameters.ValueKind.Should().Be(JsonValueKind.Undefined);
        twice.Nodes[1].Parameters.GetRawText().Should().Be(once.Nodes[1].Parameters.GetRawText());
        twice.Nodes[1].Retry.Should().BeEquivalentTo(once.Nodes[1].Retry);
    }

    [Fact]
    public void ToJson_DefaultFalseAndNullFields_AreOmitted()
    {
        var workflow = new WorkflowDefinition
        {
            Id = "w",
            Name = "W",
            Nodes = [new NodeDefinition { Name = "A", Type = "noOp" }],
        };

        workflow.ToJson().Should().Be("""{"id":"w","name":"W","nodes":[{"name":"A","type":"noOp"}],"connections":[]}""");
    }

    [Fact]
    public void ToJson_SettingsWithoutParallelism_OmitsTheField()
    {
        var workflow = new WorkflowDefinition { Id = "w", Settings = new WorkflowSettings() };

        workflow.ToJson().Should().Be("""{"id":"w","name":"","nodes":[],"connections":[],"settings":{}}""");
    }

    [Fact]
    public void ToJson_DefaultRetryPolicy_WritesAllItsFields()
    {
        var workflow = new WorkflowDefinition { Id = "w", Nodes = [new NodeDefinition { Name = "A", Type = "t", Retry = new NodeRetryPolicy() }] };

        workflow.ToJson().Should().Contain("""{"name":"A","type":"t","retry":{"maxTries":1,"waitMs":0,"backoffMultiplier":1}}""");
    }

    [Fact]
    public void ToJson_Indented_WritesTheSameWorkflowOnSeveralLines()
    {
        var workflow = WorkflowDefinition.FromJson(FullJson);

        var indented = workflow.ToJson(indented: true);

        indented.Should().Contain("\n").And.Contain("  \"id\": \"order-flow\"");
        WorkflowDefinition.FromJson(indented).ToJson().Should().Be(FullJson);
    }

    [Fact]
    public void FromJson_OmittedFields_TakeTheirDefaults()
    {
        var workflow = WorkflowDefinition.FromJson("""{"nodes":[{"name":"A","type":"noOp","retry":{}}]}""");

        workflow.Id.Should().BeEmpty();
        workflow.Name.Should().BeEmpty();
        workflow.Connections.Should().BeEmpty();
        workflow.Settings.Should().BeNull();
        workflow.Nodes[0].Retry.Should().BeEquivalentTo(new NodeRetryPolicy { MaxTries = 1, WaitMs = 0, BackoffMultiplier = 1 });
    }

    [Theory]
    [InlineData("""{"maxTries":3}""", 3, 0, 1.0)]
    [InlineData("""{"waitMs":100}""", 1, 100, 1.0)]
    [InlineData("""{"backoffMultiplier":2}""", 1, 0, 2.0)]
    public void FromJson_PartialRetry_UsesTheDocumentedDefaultsForOmittedFields(string retryJson, int maxTries, int waitMs, double backoffMultiplier)
    {
        var workflow = WorkflowDefinition.FromJson($$"""{"id":"w","nodes":[{"name":"A","type":"noOp","retry":{{retryJson}}}]}""");

        workflow.Nodes[0].Retry.Should().BeEquivalentTo(new NodeRetryPolicy { MaxTries = maxTries, WaitMs = waitMs, BackoffMultiplier = backoffMultiplier });
    }

    [Fact]
    public void FromJson_EmptyObjects_GiveEmptyStringsAndListsNotNull()
    {
        var workflow = WorkflowDefinition.FromJson("""{"nodes":[{}]}""");

        workflow.Id.Should().NotBeNull();
        workflow.Name.Should().NotBeNull();
        workflow.Connections.Should().NotBeNull();
        workflow.Nodes[0].Name.Should().NotBeNull();
        workflow.Nodes[0].Type.Should().NotBeNull();
        WorkflowDefinition.FromJson("{}").ToString().Should().Be("Workflow '' (), 0 node(s)");
        WorkflowDefinition.FromJson("""{"connections":[{}]}""").Connections[0].Should().BeEquivalentTo(new { From = "", To = "" });
    }

    [Fact]
    public void FromJson_UnknownPropertiesCommentsAndTrailingCommas_AreAccepted()
    {
        var workflow = WorkflowDefinition.FromJson("""
            {
              // a comment
              "id": "w",
              "future": {"x": 1},
              "nodes": [{"name": "A", "type": "noOp", "outputIndex": 2,},],
            }
            """);

        workflow.Id.Should().Be("w");
        workflow.Nodes.Should().ContainSingle().Which.Name.Should().Be("A");
    }

    [Fact]
    public void FromJson_PascalCaseNames_AreNotRead()
    {
        var workflow = WorkflowDefinition.FromJson("""{"Id":"w","id":"camel"}""");

        workflow.Id.Should().Be("camel");
    }

    [Fact]
    public void FromJson_Utf8Bytes_ReadsTheWorkflow()
    {
        var workflow = WorkflowDefinition.FromJson(Encoding.UTF8.GetBytes(FullJson.Replace("Order flow", "Örder flöw ✓", StringComparison.Ordinal)));

        workflow.Name.Should().Be("Örder flöw ✓");
        workflow.Nodes[1].Retry!.BackoffMultiplier.Should().Be(2.5);
    }

    [Fact]
    public async Task FromJsonAsync_Stream_ReadsTheWorkflowAndOutlivesTheStream()
    {
        WorkflowDefinition workflow;
        using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(FullJson)))
        {
            workflow = await WorkflowDefinition.FromJsonAsync(stream, TestContext.Current.CancellationToken);
        }

        workflow.ToJson().Should().Be(FullJson);
        workflow.Nodes[1].Parameters.GetProperty("headers").GetProperty("a").GetString().Should().Be("b");
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("""{"id":"w",}x""")]
    [InlineData("""{"id":"w"} {"id":"v"}""")]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("""{"id":5}""")]
    [InlineData("""{"nodes":"A"}""")]
    [InlineData("""{"nodes":[1]}""")]
    [InlineData("""{"nodes":[{"name":"A","timeoutMs":"5"}]}""")]
    [InlineData("""{"nodes":[{"name":"A","timeoutMs":1.5}]}""")]
    [InlineData("""{"nodes":[{"name":"A","continueOnFail":"yes"}]}""")]
    [InlineData("""{"nodes":[{"name":"A","disabled":1}]}""")]
    [InlineData("""{"nodes":[{"name":"A","retry":[]}]}""")]
    [InlineData("""{"nodes":[{"name":"A","retry":{"maxTries":"3"}}]}""")]
    [InlineData("""{"nodes":[{"name":"A","retry":{"backoffMultiplier":"2"}}]}""")]
    [InlineData("""{"connections":[{"from":1,"to":"B"}]}""")]
    [InlineData("""{"connections":{"from":"A","to":"B"}}""")]
    [InlineData("""{"settings":{"maxDegreeOfParallelism":"4"}}""")]
    [InlineData("""{"settings":[]}""")]
    public async Task FromJson_MalformedOrWrongTypes_ThrowsJsonException(string json)
    {
        FluentActions.Invoking(() => WorkflowDefinition.FromJson(json)).Should().Throw<JsonException>();
        FluentActions.Invoking(() => WorkflowDefinition.FromJson(Encoding.UTF8.GetBytes(json))).Should().Throw<JsonException>();
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        await FluentActions.Awaiting(() => WorkflowDefinition.FromJsonAsync(stream, TestContext.Current.CancellationToken).AsTask()).Should().ThrowAsync<JsonException>();
    }

    [Fact]
    public void FromJson_NullString_ThrowsArgumentNullException()
    {
        FluentActions.Invoking(() => WorkflowDefinition.FromJson((string)null!)).Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void ToString_NamesTheWorkflowAndCountsItsNodes()
    {
        WorkflowDefinition.FromJson(FullJson).ToString().Should().Be("Workflow 'Order flow' (order-flow), 2 node(s)");
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
