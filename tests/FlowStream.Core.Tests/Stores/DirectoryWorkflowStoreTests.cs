using FlowStream.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.Tests.Stores;

public sealed class DirectoryWorkflowStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("flowstream-store-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Load_GoodAndBadFiles_LoadsTheGoodOnesAndReportsEachBadOneWithPathAndProblems()
    {
        Write("good.json", """{"id": "good", "name": "Good", "nodes": [{"name": "A", "type": "noOp"}], "connections": []}""");
        Write("noid.json", """{"nodes": [{"name": "A", "type": "noOp"}]}""");
        Write("broken.json", """{"id": "broken", "nodes": [""");
        Write("invalid.json", """{"id": "invalid", "nodes": [{"name": "A", "type": "nope"}, {"name": "A", "type": "noOp"}]}""");
        Write("zdup.json", """{"id": "good", "nodes": [{"name": "B", "type": "noOp"}]}""");
        Write("ignored.txt", "not a workflow");
        await using var host = TestEngine.Create(b => b.AddDirectoryWorkflowStore(_folder));
        var store = host.Services.GetRequiredService<IWorkflowStore>();

        (await store.ListAsync(TestContext.Current.CancellationToken)).Select(w => w.Id).Should().Equal("good", "noid");
        (await store.GetAsync("good", TestContext.Current.CancellationToken))!.Name.Should().Be("Good");
        (await store.GetAsync("noid", TestContext.Current.CancellationToken))!.Name.Should().Be("noid", "a workflow without id takes its file name");
        (await store.GetAsync("broken", TestContext.Current.CancellationToken)).Should().BeNull();

        var errors = host.Services.GetRequiredService<DirectoryWorkflowStore>().LoadErrors;
        errors.Select(e => Path.GetFileName(e.Path)).Should().BeEquivalentTo("broken.json", "invalid.json", "zdup.json");
        errors.Single(e => e.Path.EndsWith("invalid.json", StringComparison.Ordinal)).Problems.Select(p => p.Code)
            .Should().BeEquivalentTo(WorkflowValidationCodes.UnknownNodeType, WorkflowValidationCodes.DuplicateNodeName);
        errors.Single(e => e.Path.EndsWith("broken.json", StringComparison.Ordinal)).Message.Should().Contain("not a workflow");
        errors.Single(e => e.Path.EndsWith("zdup.json", StringComparison.Ordinal)).Message.Should().Contain("'good'");
    }

    [Fact]
    public async Task Reload_PicksUpNewFiles()
    {
        await using var host = TestEngine.Create(b => b.AddDirectoryWorkflowStore(_folder));
        var store = host.Services.GetRequiredService<DirectoryWorkflowStore>();
        (await store.ListAsync(TestContext.Current.CancellationToken)).Should().BeEmpty();

        Write("later.json", """{"id": "later", "nodes": [{"name": "A", "type": "noOp"}]}""");
        (await store.GetAsync("later", TestContext.Current.CancellationToken)).Should().BeNull("the folder is read once until Reload");
        store.Reload();
        (await store.GetAsync("later", TestContext.Current.CancellationToken)).Should().NotBeNull();
    }

    [Fact]
    public void Load_MissingFolder_IsReportedNotThrown()
    {
        var store = new DirectoryWorkflowStore(Path.Combine(_folder, "missing"), new NoEngine());
        store.LoadErrors.Should().ContainSingle().Which.Message.Should().Contain("does not exist");
    }

    [Fact]
    public async Task InMemoryStore_SetGetRemoveList()
    {
        var a = new WorkflowBuilder("a").AddNode("A", "noOp").Build();
        var b = new WorkflowBuilder("b").AddNode("B", "noOp").Build();
        var store = new InMemoryWorkflowStore([b]);
        store.Set(a);
        (await store.ListAsync(TestContext.Current.CancellationToken)).Select(w => w.Id).Should().Equal("a", "b");
        (await store.GetAsync("a", TestContext.Current.CancellationToken)).Should().BeSameAs(a);
        store.Remove("a").Should().BeTrue();
        (await store.GetAsync("a", TestContext.Current.CancellationToken)).Should().BeNull();
        var noId = () => store.Set(new WorkflowDefinition());
        noId.Should().Throw<ArgumentException>();
    }

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_folder, name), text);

    private sealed class NoEngine : IWorkflowEngine
    {
        public IReadOnlyList<WorkflowValidationProblem> Validate(WorkflowDefinition workflow) => [];

        public WorkflowExecution Start(WorkflowDefinition workflow, ExecutionRequest? request = null) => throw new NotSupportedException();

        public bool TryGetExecution(long executionId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WorkflowExecution? execution) => throw new NotSupportedException();

        public IReadOnlyList<WorkflowExecution> ListExecutions() => [];

        public IAsyncEnumerable<ExecutionEvent> SubscribeAsync(long executionId, long afterSequence = 0, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public IAsyncEnumerable<ExecutionEvent> RunWithEventsAsync(WorkflowDefinition workflow, ExecutionRequest? request = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
