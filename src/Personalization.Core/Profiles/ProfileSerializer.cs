using System.Buffers;
using MessagePack;

namespace Personalization.Profiles;

/// <summary>The stored form of profiles: MessagePack with integer keys, versioned by <see cref="CustomerProfile.SchemaVersion"/>.</summary>
internal static class ProfileSerializer
{
    private static readonly MessagePackSerializerOptions s_options = MessagePackSerializerOptions.Standard;

    public static void Serialize(IBufferWriter<byte> writer, CustomerProfile profile) =>
        MessagePackSerializer.Serialize(writer, profile, s_options);

    public static CustomerProfile Deserialize(ReadOnlyMemory<byte> bytes)
    {
        var profile = MessagePackSerializer.Deserialize<CustomerProfile>(bytes, s_options);
        if (profile.SchemaVersion != CustomerProfile.CurrentSchemaVersion)
        {
            ProfileMigrations.Migrate(profile);
        }

        return profile;
    }
}
