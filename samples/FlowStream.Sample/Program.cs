using FlowStream.Sample;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

var app = SampleApp.Build(args);
await app.StartAsync();
foreach (var address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
{
    Console.WriteLine($"FlowStream sample: open {address} in a browser (Ctrl+C to stop).");
}

await app.WaitForShutdownAsync();
