namespace Personalization.Profiles;

/// <summary>
/// Migrates stored profiles of an older <see cref="CustomerProfile.SchemaVersion"/> to the current shape when they are
/// read, one version at a time. The migrated profile is written back in the current shape with its next update.
/// </summary>
internal static class ProfileMigrations
{
    /// <summary>Brings <paramref name="profile"/> to <see cref="CustomerProfile.CurrentSchemaVersion"/>.</summary>
    /// <exception cref="InvalidDataException">The record was written by a newer version of the engine, or has no
    /// valid version.</exception>
    public static void Migrate(CustomerProfile profile)
    {
        if (profile.SchemaVersion > CustomerProfile.CurrentSchemaVersion || profile.SchemaVersion < 1)
        {
            throw new InvalidDataException(
                $"The stored profile '{profile.UserId}' has schema version {profile.SchemaVersion}; this version of Personalization.Core " +
                $"reads versions 1 to {CustomerProfile.CurrentSchemaVersion}. Was the data directory written by a newer version?");
        }

        if (profile.SchemaVersion == 1)
        {
            FromVersion1(profile);
        }

        profile.SchemaVersion = CustomerProfile.CurrentSchemaVersion;
    }

    // Version 2 added CartUpdatedAt and MergedIds. A version-1 record has neither (MessagePack leaves them at their
    // defaults); the best a v1 record tells about its cart's last change is its last event.
    private static void FromVersion1(CustomerProfile profile)
    {
        profile.MergedIds ??= [];
        if (profile.Cart.Count > 0)
        {
            profile.CartUpdatedAt = profile.LastSeen;
        }
    }
}
