using System.Text.Json;
using FlowStream.Templates;
using FlowStream.Tests.Infrastructure;

namespace FlowStream.Tests.Templates;

public class TemplateResolverTests
{
    private static readonly FakeScope Scope = new(
        json: """{"a":{"b":"from json","n":42,"f":1.5,"t":true,"no":false,"z":null,"o":{"k":"v","list":[1,2]},"arr":[10,{"x":"deep"}],"empty":""},"name":"Ada","dash-key":"d","with space":"s"}""",
        input: """{"a":{"b":"from input","n":7},"items":[{"id":"first"},{"id":"second"}]}""",
        nodes: new Dictionary<string, string>
        {
            ["Fetch"] = """{"a":{"b":"from Fetch"},"count":3}""",
            ["My Node"] = """{"a":{"b":"from My Node"}}""",
        });

    [Theory]
    [InlineData("{{ $json.a.b }}", "from json")]
    [InlineData("{{$json.a.b}}", "from json")]
    [InlineData("{{   $json.a.b   }}", "from json")]
    [InlineData("{{ $input.a.b }}", "from input")]
    [InlineData("{{ $node[\"Fetch\"].a.b }}", "from Fetch")]
    [InlineData("{{ $node['Fetch'].a.b }}", "from Fetch")]
    [InlineData("{{ $node[\"My Node\"].a.b }}", "from My Node")]
    [InlineData("{{ $node['My Node'].a.b }}", "from My Node")]
    [InlineData("{{ $json[\"a\"]['b'] }}", "from json")]
    [InlineData("{{ $json.dash-key }}", "d")]
    [InlineData("{{ $json[\"with space\"] }}", "s")]
    [InlineData("{{ $json.a.arr[1].x }}", "deep")]
    [InlineData("{{ $input.items[0].id }}", "first")]
    [InlineData("{{ $input.items[1].id }}", "second")]
    [InlineData("{{ $input.items[ 1 ].id }}", "second")]
    public void ResolveString_SingleTemplate_ResolvesThePath(string template, string expected)
    {
        var result = TemplateResolver.ResolveString(template, Scope);

        result.ValueKind.Should().Be(JsonValueKind.String);
        result.GetString().Should().Be(expected);
    }

    [Theory]
    [InlineData("{{ $json.a.n }}", "42")]
    [InlineData("{{ $json.a.f }}", "1.5")]
    [InlineData("{{ $json.a.t }}", "true")]
    [InlineData("{{ $json.a.no }}", "false")]
    [InlineData("{{ $json.a.z }}", "null")]
    [InlineData("{{ $json.a.o }}", """{"k":"v","list":[1,2]}""")]
    [InlineData("{{ $json.a.arr }}", """[10,{"x":"deep"}]""")]
    [InlineData("{{ $json.a.arr[0] }}", "10")]
    [InlineData("{{ $node[\"Fetch\"].count }}", "3")]
    [InlineData("{{ $node[\"Fetch\"] }}", """{"a":{"b":"from Fetch"},"count":3}""")]
    [InlineData("{{ $input }}", """{"a":{"b":"from input","n":7},"items":[{"id":"first"},{"id":"second"}]}""")]
    [InlineData("  {{ $json.a.n }}  ", "42")]
    public void ResolveString_WholeTemplate_KeepsTheJsonType(string template, string expectedJson)
    {
        var expected = JsonDocument.Parse(expectedJson).RootElement;

        var result = TemplateResolver.ResolveString(template, Scope);

        result.ValueKind.Should().Be(expected.ValueKind);
        result.GetRawText().Should().Be(expectedJson);
    }

    [Theory]
    [InlineData("Hello {{ $json.name }}!", "Hello Ada!")]
    [InlineData("n={{ $json.a.n }}", "n=42")]
    [InlineData("f={{ $json.a.f }}", "f=1.5")]
    [InlineData("t={{ $json.a.t }}", "t=true")]
    [InlineData("z=[{{ $json.a.z }}]", "z=[]")]
    [InlineData("e=[{{ $json.a.empty }}]", "e=[]")]
    [InlineData("o={{ $json.a.o }}", """o={"k":"v","list":[1,2]}""")]
    [InlineData("a={{ $json.a.arr }}", """a=[10,{"x":"deep"}]""")]
    [InlineData("{{ $json.a.n }}{{ $json.a.n }}", "4242")]
    [InlineData("{{ $json.name }} / {{ $input.a.b }} / {{ $node['Fetch'].count }}", "Ada / from input / 3")]
    [InlineData("no template here }}", "no template here }}")]
    public void ResolveString_EmbeddedTemplates_AreStringified(string template, string expected)
    {
        var result = TemplateResolver.ResolveString(template, Scope);

        result.ValueKind.Should().Be(JsonValueKind.String);
        result.GetString().Should().Be(expected);
    }

    [Fact]
    public void Resolve_NestedParameters_ResolvesEveryStringAndKeepsTheRest()
    {
        var parameters = Parse("""
            {
              "values": {
                "greeting": "Hi {{ $json.name }}",
                "count": "{{ $node['Fetch'].count }}",
                "list": ["{{ $input.items[0].id }}", 5, {"deep": "{{ $json.a.o }}"}, null, "plain"],
                "flag": true
              },
              "n": 1.25,
              "{{ key }}": "kept"
            }
            """);

        var result = TemplateResolver.Resolve(parameters, Scope);

        result.GetRawText().Should().Be("""{"values":{"greeting":"Hi Ada","count":3,"list":["first",5,{"deep":{"k":"v","list":[1,2]}},null,"plain"],"flag":true},"n":1.25,"{{ key }}":"kept"}""");
    }

    [Fact]
    public void Resolve_TopLevelArray_ResolvesItsItems()
    {
        var result = TemplateResolver.Resolve(Parse("""["{{ $json.a.n }}", "x{{ $json.a.n }}"]"""), Scope);

        result.GetRawText().Should().Be("""[42,"x42"]""");
    }

    [Fact]
    public void Resolve_ResultOutlivesTheScopeDocuments()
    {
        var scope = new FakeScope("""{"v":{"k":1}}""", "{}", []);

        var result = TemplateResolver.Resolve(Parse("""{"x":"{{ $json.v }}"}"""), scope);
        scope.Dispose();

        result.GetProperty("x").GetProperty("k").GetInt32().Should().Be(1);
    }

    [Theory]
    [InlineData("""{"a":"{{ $json.a }}"}""", true)]
    [InlineData("""{"a":["x", {"b":"{{ $input.a }}"}]}""", true)]
    [InlineData("""{"a":"{ { no"}""", false)]
    [InlineData("""{"a":1}""", false)]
    [InlineData("""{"a":"\u007b\u007b $input.a }}"}""", true)]
    public void ContainsTemplate_DetectsTemplatesInStringValues(string parameters, bool expected)
    {
        TemplateResolver.ContainsTemplate(Parse(parameters)).Should().Be(expected);
    }

    [Fact]
    public void ContainsTemplate_UndefinedParameters_IsFalse()
    {
        TemplateResolver.ContainsTemplate(default).Should().BeFalse();
    }

    [Theory]
    [InlineData("{{ $json.a.missing }}", "'$json.a' has no property 'missing'")]
    [InlineData("{{ $json.a.b.c }}", "'$json.a.b' is a string, not an object with 'c'")]
    [InlineData("{{ $json.a.n.c }}", "'$json.a.n' is a number, not an object with 'c'")]
    [InlineData("{{ $json.a.z.c }}", "'$json.a.z' is null, not an object with 'c'")]
    [InlineData("{{ $json.a.t.c }}", "'$json.a.t' is a boolean, not an object with 'c'")]
    [InlineData("{{ $json.a.arr[5] }}", "'$json.a.arr' has 2 item(s), no index 5")]
    [InlineData("{{ $json.a.arr.x }}", "'$json.a.arr' is an array, not an object with 'x'")]
    [InlineData("{{ $json.a.o[0] }}", "'$json.a.o' has no property '0'")]
    [InlineData("{{ $input.nope }}", "'$input' has no property 'nope'")]
    [InlineData("{{ $node[\"Fetch\"].a.nope }}", "'$node[\"Fetch\"].a' has no property 'nope'")]
    [InlineData("{{ $node[\"Ghost\"].a }}", "node 'Ghost' has not finished")]
    [InlineData("x {{ $json.a.missing }} y", "'$json.a' has no property 'missing'")]
    public void ResolveString_UnresolvablePath_ThrowsNamingTheTemplateAndTheMissingStep(string template, string step)
    {
        var act = () => TemplateResolver.ResolveString(template, Scope);

        var message = act.Should().Throw<TemplateException>().Which.Message;
        message.Should().Contain(template[template.IndexOf("{{", StringComparison.Ordinal)..(template.IndexOf("}}", StringComparison.Ordinal) + 2)]);
        message.Should().Contain(step);
    }

    [Fact]
    public void ResolveString_ArrayIndexTooLargeForAnInt_ThrowsTemplateExceptionNamingThePath()
    {
        var act = () => TemplateResolver.ResolveString("{{ $input.items[99999999999] }}", Scope);

        act.Should().Throw<TemplateException>().Which.Message.Should().Contain("$input.items[99999999999]");
    }

    [Theory]
    [InlineData("{{ $foo.a }}")]
    [InlineData("{{ json.a }}")]
    [InlineData("{{ $jsonx.a }}")]
    [InlineData("{{ }}")]
    [InlineData("{{ 1 + 2 }}")]
    public void ResolveString_UnknownRoot_Throws(string template)
    {
        var act = () => TemplateResolver.ResolveString(template, Scope);

        act.Should().Throw<TemplateException>().Which.Message.Should().Contain("starts with $json, $input or $node");
    }

    [Theory]
    [InlineData("{{ $json.a.b }} {{ $json.a.b", "{{ $json.a.b")]
    [InlineData("Hello {{ $json.name", "{{ $json.name")]
    [InlineData("{{ $json.name", "{{ $json.name")]
    public void ResolveString_UnclosedTemplate_Throws(string template, string unclosed)
    {
        var act = () => TemplateResolver.ResolveString(template, Scope);

        act.Should().Throw<TemplateException>().Which.Message.Should().Contain($"'{unclosed}' is not closed");
    }

    [Theory]
    [InlineData("{{ $json.a b }}", "unexpected 'b' after '$json.a'")]
    [InlineData("{{ $json.a[0 }}", "expected ']'")]
    [InlineData("{{ $node[\"Fetch }}", "quoted name is not closed")]
    [InlineData("{{ $node }}", "must name a node")]
    public void ResolveString_MalformedPath_Throws(string template, string expected)
    {
        var act = () => TemplateResolver.ResolveString(template, Scope);

        act.Should().Throw<TemplateException>().Which.Message.Should().Contain(expected);
    }

    [Fact]
    public void Resolve_UnresolvableNestedTemplate_Throws()
    {
        var act = () => TemplateResolver.Resolve(Parse("""{"values":{"list":["ok","{{ $json.nope.x }}"]}}"""), Scope);

        act.Should().Throw<TemplateException>().Which.Message.Should().Contain("{{ $json.nope.x }}").And.Contain("has no property 'nope'");
    }

    [Fact]
    public async Task Start_SetNodeWithUnresolvableTemplate_FailsTheNodeNamingThePath()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode("Start", "manualTrigger")
            .AddNode("Set", "set", """{"values":{"x":"{{ $json.customer.email }}"}}""")
            .AddNode("After", "noOp")
            .Chain("Start", "Set", "After")
            .Build();
        var ct = TestContext.Current.CancellationToken;

        var events = await host.Engine.RunWithEventsAsync(workflow, Parse("""{"customer":{"name":"Ada"}}"""), ct).ToListAsync(ct);

        var after = events.Single(e => e.Type == ExecutionEventTypes.NodeExecutionAfter && e.Data.GetProperty("nodeName").GetString() == "Set");
        after.Data.GetProperty("status").GetString().Should().Be("error");
        after.Data.GetProperty("error").GetProperty("message").GetString()
            .Should().Contain("{{ $json.customer.email }}").And.Contain("'$json.customer' has no property 'email'");
        events.Should().NotContain(e => e.Type == ExecutionEventTypes.NodeExecutionBefore && e.Data.GetProperty("nodeName").GetString() == "After");
        events[^1].Type.Should().Be(ExecutionEventTypes.ExecutionFinished);
        events[^1].Data.GetProperty("status").GetString().Should().Be("error");
    }

    [Fact]
    public async Task Start_TemplateFailure_IsNotRetried()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode(new NodeDefinition { Name = "Set", Type = "set", Parameters = Parse("""{"values":{"x":"{{ $input.missing }}"}}"""), Retry = new NodeRetryPolicy { MaxTries = 3 } })
            .Build();
        var ct = TestContext.Current.CancellationToken;

        var events = await host.Engine.RunWithEventsAsync(workflow, Parse("{}"), ct).ToListAsync(ct);

        events.Should().NotContain(e => e.Type == ExecutionEventTypes.NodeExecutionRetry);
        events.Single(e => e.Type == ExecutionEventTypes.NodeExecutionAfter).Data.GetProperty("error").GetProperty("message").GetString()
            .Should().Contain("'$input' has no property 'missing'");
    }

    [Fact]
    public async Task Start_SetNodeReadingEarlierNodesAndInput_ResolvesEveryRoot()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode("Start", "manualTrigger")
            .AddNode("First", "set", """{"values":{"step":1}}""")
            .AddNode("Second", "set", """{"values":{"fromStart":"{{ $node['Start'].user }}","fromJson":"{{ $json.step }}","fromInput":"id={{ $input.user.id }}"}}""")
            .Chain("Start", "First", "Second")
            .Build();
        var execution = host.Engine.Start(workflow, new ExecutionRequest { InputData = Parse("""{"user":{"id":7}}""") });

        (await execution.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Success);

        var output = execution.GetNodeStates().Single(s => s.Name == "Second").Output!.Value;
        output.GetRawText().Should().Be("""{"user":{"id":7},"step":1,"fromStart":{"id":7},"fromJson":1,"fromInput":"id=7"}""");
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private sealed class FakeScope : ITemplateScope, IDisposable
    {
        private readonly JsonDocument _json;
        private readonly JsonDocument _input;
        private readonly Dictionary<string, JsonDocument> _nodes;

        public FakeScope(string json, string input, Dictionary<string, string> nodes)
        {
            _json = JsonDocument.Parse(json);
            _input = JsonDocument.Parse(input);
            _nodes = nodes.ToDictionary(n => n.Key, n => JsonDocument.Parse(n.Value), StringComparer.Ordinal);
        }

        public JsonElement Json => _json.RootElement;

        public JsonElement InputData => _input.RootElement;

        public bool TryGetNodeOutput(string nodeName, out JsonElement output)
        {
            if (_nodes.TryGetValue(nodeName, out var document))
            {
                output = document.RootElement;
                return true;
            }

            output = default;
            return false;
        }

        public void Dispose()
        {
            _json.Dispose();
            _input.Dispose();
            foreach (var document in _nodes.Values)
            {
                document.Dispose();
            }
        }
    }
}
