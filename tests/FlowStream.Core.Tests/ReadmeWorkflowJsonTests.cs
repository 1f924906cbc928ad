using FlowStream.Tests.Infrastructure;

namespace FlowStream.Tests;

/// <summary>The README's workflow JSON (section "Workflows") uses only node types and outputs that exist.</summary>
public class ReadmeWorkflowJsonTests
{
    [Fact]
    public async Task ReadmeWorkflowJson_IsValid_WithTheBuiltInNodes()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md")).ReplaceLineEndings("\n");
        var section = readme.IndexOf("\n## Workflows\n", StringComparison.Ordinal);
        section.Should().BeGreaterThan(0, "README.md has a Workflows section");
        var start = readme.IndexOf("```json\n", section, StringComparison.Ordinal) + "```json\n".Length;
        var end = readme.IndexOf("\n```", start, StringComparison.Ordinal);
        var workflow = WorkflowDefinition.FromJson(readme[start..end]);
        await using var host = TestEngine.Create();

        host.Engine.Validate(workflow).Should().BeEmpty();
        workflow.Nodes.Select(n => n.Type).Should().Contain([BuiltInNodeTypes.Http, BuiltInNodeTypes.If, BuiltInNodeTypes.Merge]);
    }
}
