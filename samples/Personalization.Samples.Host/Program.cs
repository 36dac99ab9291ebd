using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Personalization.Samples.Host;

var builder = Host.CreateApplicationBuilder(args);

// The engine: a pipeline with its store in the data directory, started and stopped with the host.
builder.Services.AddPersonalization(p => p
    .UseDataDirectory(Path.Combine(Path.GetTempPath(), "personalization-sample"))
    .Configure(o => o.ChannelCapacity = 8192));

// Your code: anything that takes IEventIngestor and IProfileReader from DI.
builder.Services.AddHostedService<ShopperSession>();

using var host = builder.Build();
await host.RunAsync(); // returns when ShopperSession stops the application; the engine drains and checkpoints first
