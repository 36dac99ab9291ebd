using System.Buffers;
using System.Globalization;
using Personalization.Profiles;
using StackExchange.Redis;

namespace Personalization.Benchmarks.Load;

/// <summary>
/// Baseline (b), the stack the usual guides suggest: the blocks and timers of <see cref="DataflowPipeline"/>, with
/// each profile a MessagePack string key in Redis (StackExchange.Redis: <c>GET</c>, apply, <c>SET</c>, awaited). The
/// read-modify-write of a user stays on that user's shard, so it needs no transaction; more shards than processors
/// keep more round trips in flight.
/// </summary>
internal sealed class RedisBaseline : DataflowPipeline
{
    private readonly IDatabase _database;

    private RedisBaseline(int shards, IDatabase database, string serverVersion)
        : base(shards, applyAsynchronously: true)
    {
        _database = database;
        Setup = new Dictionary<string, string>
        {
            ["durability"] = "none (redis-server with --save \"\" --appendonly no)",
            ["shards"] = shards.ToString(CultureInfo.InvariantCulture),
            ["profiles"] = "Redis string keys, MessagePack",
            ["timers"] = "System.Threading.Timer per pending trigger",
            ["redis_server"] = serverVersion,
        };
    }

    public override IReadOnlyDictionary<string, string> Setup { get; }

    public static RedisBaseline Create(int shards, IConnectionMultiplexer connection, string serverVersion) =>
        new(shards, connection.GetDatabase(), serverVersion);

    protected override void Apply(BaselineItem item) => throw new NotSupportedException("The Redis baseline applies asynchronously.");

    protected override async Task ApplyAsync(BaselineItem item)
    {
        var @event = item.Event;
        var key = "profile:" + @event.UserId;
        var stored = await _database.StringGetAsync(key);
        var profile = stored.IsNull
            ? ProfileUpdater.Create(@event.UserId!, @event.Timestamp)
            : ProfileSerializer.Deserialize((ReadOnlyMemory<byte>)stored);
        var hadEmail = !string.IsNullOrEmpty(profile.Email);
        ProfileUpdater.Apply(profile, @event);
        var buffer = new ArrayBufferWriter<byte>(256);
        ProfileSerializer.Serialize(buffer, profile);
        await _database.StringSetAsync(key, buffer.WrittenMemory);
        Triggers.Evaluate(UserState(@event.UserId!), @event, hadEmail, profile);
        Finished(item);
    }
}
