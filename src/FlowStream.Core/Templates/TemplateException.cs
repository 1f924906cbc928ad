namespace FlowStream.Templates;

/// <summary>A template of a node's parameters could not be resolved. Its message names the template and the path.</summary>
internal sealed class TemplateException(string message) : Exception(message);
