using System.Security.Cryptography;
using System.Text;

namespace Personalization.Delivery;

/// <summary>
/// Signs and verifies the tokens in unsubscribe links: HMAC-SHA256 of the user id under a secret, base64url. The
/// host's unsubscribe endpoint verifies the token, then ingests an <c>Unsubscribed</c> event for the user.
/// </summary>
public static class UnsubscribeTokens
{
    /// <summary>The token for <paramref name="userId"/> under <paramref name="signingKey"/>.</summary>
    public static string Create(string userId, string signingKey)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentException.ThrowIfNullOrEmpty(signingKey);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), Encoding.UTF8.GetBytes(userId), mac);
        return Base64Url(mac);
    }

    /// <summary>Whether <paramref name="token"/> is the token of <paramref name="userId"/> (compared in constant time).</summary>
    public static bool Verify(string userId, string? token, string signingKey)
    {
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Create(userId, signingKey));
        var actual = Encoding.ASCII.GetBytes(token);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
