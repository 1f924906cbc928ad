namespace FlowStream.Nodes.BuiltIn.Http;

/// <summary>The <c>http</c> node refused a destination address; the message names the host and why.</summary>
internal sealed class HttpDestinationRefusedException(string message) : IOException(message);
