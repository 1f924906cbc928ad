using FlowStream.Sample;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

var app = SampleApp.Build(args);

// Read the flows folder now, so that a file that cannot be loaded (or a missing folder) is logged once, at start, next to
// the address below, rather than on the first request. The page lists those files with their problems.
var store = app.Services.GetRequiredService<FlowStream.DirectoryWorkflowStore>();
var problems = store.LoadErrors;
var loaded = (await store.ListAsync()).Count;

await app.StartAsync();
Console.WriteLine(problems.Count == 0
    ? $"FlowStream sample: {loaded} flow(s) from {store.Directory}."
    : $"FlowStream sample: {loaded} flow(s) from {store.Directory}; {problems.Count} problem(s), logged above and shown on the page.");
foreach (var address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
{
    Console.WriteLine($"FlowStream sample: open {address} in a browser (Ctrl+C to stop).");
}

await app.WaitForShutdownAsync();
