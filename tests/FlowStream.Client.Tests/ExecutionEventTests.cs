using System.Text.Json;

namespace FlowStream.Client.Tests;

public sealed class ExecutionEventTests
{
    [Fact]
    public void Constructor_DataWithNodeName_ExposesIdsTypeAndNodeName()
    {
        var e = new ExecutionEvent(5, 3, ExecutionEventTypes.NodeExecutionBefore, Json("""{"executionId":5,"nodeName":"Fetch"}"""));

        e.ExecutionId.Should().Be(5);
        e.Id.Should().Be(3);
        e.Type.Should().Be(ExecutionEventTypes.NodeExecutionBefore);
        e.NodeName.Should().Be("Fetch");
        e.IsTerminal.Should().BeFalse();
    }

    [Theory]
    [InlineData("""{"executionId":5}""")]
    [InlineData("""{"executionId":5,"nodeName":null}""")]
    [InlineData("""{"executionId":5,"nodeName":7}""")]
    [InlineData("[]")]
    public void NodeName_NoStringNodeName_IsNull(string data)
    {
        var e = new ExecutionEvent(5, 1, ExecutionEventTypes.ExecutionPaused, Json(data));

        e.NodeName.Should().BeNull();
    }

    [Theory]
    [InlineData(ExecutionEventTypes.ExecutionFinished, true)]
    [InlineData(ExecutionEventTypes.NodeExecutionAfter, false)]
    [InlineData("executionFinishedSoon", false)]
    public void IsTerminal_ByType_TrueOnlyForExecutionFinished(string type, bool terminal)
    {
        new ExecutionEvent(1, 1, type, Json("{}")).IsTerminal.Should().Be(terminal);
    }

    [Fact]
    public void TryGetters_EventOfAnotherType_ReturnFalseAndNull()
    {
        var e = new ExecutionEvent(1, 1, "somethingNew", Json("""{"executionId":1}"""));

        e.TryGetExecutionStarted(out var started).Should().BeFalse();
        started.Should().BeNull();
        e.TryGetNodeExecutionBefore(out _).Should().BeFalse();
        e.TryGetNodeExecutionAfter(out _).Should().BeFalse();
        e.TryGetNodeExecutionProgress(out _).Should().BeFalse();
        e.TryGetNodeExecutionRetry(out _).Should().BeFalse();
        e.TryGetExecutionPaused(out _).Should().BeFalse();
        e.TryGetExecutionResumed(out _).Should().BeFalse();
        e.TryGetExecutionFinished(out _).Should().BeFalse();
    }

    [Fact]
    public void TryGetNodeExecutionAfter_MissingOptionalFields_KeepsDefaults()
    {
        var e = new ExecutionEvent(1, 4, ExecutionEventTypes.NodeExecutionAfter, Json("""{"executionId":1,"nodeName":"A","status":"skipped"}"""));

        e.TryGetNodeExecutionAfter(out var after).Should().BeTrue();
        after!.Status.Should().Be("skipped");
        after.NodeType.Should().BeEmpty();
        after.Data.Should().BeNull();
        after.Progress.Should().BeNull();
        after.EstimatedRemainingMs.Should().BeNull();
    }

    [Fact]
    public void TryGetExecutionFinished_DataNotAnObject_ThrowsJsonException()
    {
        var e = new ExecutionEvent(1, 9, ExecutionEventTypes.ExecutionFinished, Json("\"done\""));

        var act = () => e.TryGetExecutionFinished(out _);

        act.Should().Throw<JsonException>().WithMessage("*event 9*");
    }

    [Fact]
    public void ToString_Event_IsTheJsonOfItsDataLine()
    {
        var e = new ExecutionEvent(1, 1, ExecutionEventTypes.ExecutionPaused, Json("""{ "executionId": 1 }"""));

        e.ToString().Should().Be("""{"type":"executionPaused","data":{"executionId":1}}""");
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
