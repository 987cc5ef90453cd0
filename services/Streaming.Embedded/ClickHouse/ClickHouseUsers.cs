using System.Security.Cryptography;
using System.Text;

namespace Streaming.Embedded.ClickHouse;

/// <summary>The endpoint's users, and password checks the way ClickHouse answers them.</summary>
internal sealed class ClickHouseUsers(IReadOnlyList<ClickHouseUser> users)
{
    public IReadOnlyList<ClickHouseUser> All => users;

    /// <summary>The user the request names, when its password matches; else code 516 (AUTHENTICATION_FAILED).</summary>
    public (ClickHouseUser? User, ClickHouseError? Error) Authenticate(string name, string password)
    {
        var given = Encoding.UTF8.GetBytes(password);
        foreach (var user in users)
        {
            // Compared in constant time, and every user is compared, so timing tells nothing.
            var matches = CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(user.Password));
            if (matches && string.Equals(user.Name, name, StringComparison.Ordinal))
            {
                return (user, null);
            }
        }

        return (null, new ClickHouseError(ClickHouseError.AuthenticationFailed,
            $"{name}: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)"));
    }
}
