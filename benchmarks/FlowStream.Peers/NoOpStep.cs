using WorkflowCore.Interface;
using WorkflowCore.Models;

namespace FlowStream.Peers;

/// <summary>WorkflowCore's do-nothing step: proceeds to the next one.</summary>
internal sealed class NoOpStep : StepBody
{
    public override ExecutionResult Run(IStepExecutionContext context) => ExecutionResult.Next();
}
