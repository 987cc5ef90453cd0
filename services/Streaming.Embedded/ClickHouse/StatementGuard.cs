using System.Text;

namespace Streaming.Embedded.ClickHouse;

/// <summary>
/// Decides whether a statement may run on the embedded endpoint, before the engine sees it.
/// </summary>
/// <remarks>
/// chDB is clickhouse-local: it has no users or grants, and its <c>file()</c> reads any path.
/// So the engine itself is asked to parse the statement (<c>formatQuery</c>, ClickHouse's own
/// parser, which also refuses several statements with code 62 as the server does) and the
/// guard reads the canonical text it returns: no comments, one statement, names unquoted where
/// possible, strings as quoted literals. A regular expression over the text the client sent
/// could be fooled by comments, quoting or casing; the canonical text cannot hide a call.
/// <list type="bullet">
/// <item>every user: no table function the engine knows except a few that only compute
/// (<c>numbers</c>, <c>values</c>, <c>view</c>...), no <c>file</c>/<c>disk</c>/<c>catboostEvaluate</c>
/// functions, no <c>INTO OUTFILE</c>/<c>FROM INFILE</c>, table and database engines only from a list
/// that keeps data in the data folder, no dictionaries (their sources read files and URLs), no
/// SYSTEM commands but FLUSH and SYNC, no BACKUP/RESTORE/INSTALL, no named collections, no
/// <c>dialect</c> (another parser would read what this guard did not);</item>
/// <item>read-only users: only SELECT, WITH, SHOW, DESCRIBE, EXISTS, EXPLAIN, USE and SET;
/// only their databases (plus <c>system</c> and <c>information_schema</c>, which BI tools
/// read for metadata); no table function but the computing ones; no dictGet/joinGet (they
/// name tables in strings); no setting that lifts a limit.</item>
/// </list>
/// </remarks>
internal sealed class StatementGuard
{
    /// <summary>Table functions that only compute, for every user.</summary>
    private static readonly HashSet<string> ComputingTableFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "numbers", "numbers_mt", "zeros", "zeros_mt", "values", "null", "generateRandom", "format", "view",
        "generate_series", "generateSeries", "primes",
    };

    /// <summary>Table functions that read other tables by name: fine for the services, not for a read-only user.</summary>
    private static readonly HashSet<string> TableReadingFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "merge", "loop", "mergeTreeIndex", "mergeTreeProjection",
    };

    /// <summary>Ordinary functions that read files or create disks anywhere.</summary>
    private static readonly HashSet<string> FileFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "file", "disk", "catboostEvaluate", "modelEvaluate",
    };

    /// <summary>Engines that keep their data in the data folder (or nowhere).</summary>
    private static readonly HashSet<string> LocalEngines = new(StringComparer.OrdinalIgnoreCase)
    {
        "MergeTree", "ReplacingMergeTree", "SummingMergeTree", "AggregatingMergeTree", "CollapsingMergeTree",
        "VersionedCollapsingMergeTree", "CoalescingMergeTree", "GraphiteMergeTree",
        "Memory", "Log", "TinyLog", "StripeLog", "Null", "Set", "Join", "Buffer", "Merge", "GenerateRandom", "EmbeddedRocksDB",
        "Atomic", "Ordinary", "Lazy",
    };

    private static readonly HashSet<string> ReadStatements = new(StringComparer.OrdinalIgnoreCase)
    {
        "SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXISTS", "EXPLAIN", "USE", "SET",
    };

    private static readonly string[] DictionaryFunctionPrefixes = ["dictGet", "dictHas", "dictIsIn", "joinGet"];

    private readonly HashSet<string> _tableFunctions;

    private StatementGuard(HashSet<string> tableFunctions) => this._tableFunctions = tableFunctions;

    /// <summary>Reads the engine's table functions once: whatever a later chDB adds is refused unless listed as computing.</summary>
    public static StatementGuard Load(ChDbConnection connection)
    {
        using var result = connection.Query("SELECT name FROM system.table_functions", "TabSeparatedRaw").ThrowIfFailed();
        var names = result.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return new StatementGuard(new HashSet<string>(names, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Null when <paramref name="statement"/> may run for <paramref name="user"/>; else the error to
    /// answer. <paramref name="statement"/> is the SQL only (an INSERT's data is never parsed here).
    /// </summary>
    public ClickHouseError? Check(ChDbConnection connection, ClickHouseUser user, ReadOnlySpan<byte> statement,
        IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var (canonical, parseError) = Canonical(connection, statement);
        if (parseError is not null)
        {
            return parseError;
        }

        var text = canonical!;
        var tokens = Tokens(text);
        if (tokens.Count == 0)
        {
            return null;
        }

        var first = Word(text, tokens[0]);
        return CheckEveryone(user, text, tokens, first) ?? (user.IsReadOnly ? CheckReadOnly(connection, user, text, tokens, first, parameters) : null);
    }

    private ClickHouseError? CheckEveryone(ClickHouseUser user, byte[] text, List<Token> tokens, string first)
    {
        if (first is "BACKUP" or "RESTORE" or "INSTALL")
        {
            return Refused(user, $"{first} reads or writes files outside the data folder");
        }

        if (first == "SYSTEM" && !(tokens.Count > 1 && Word(text, tokens[1]) is "FLUSH" or "SYNC"))
        {
            return Refused(user, "SYSTEM commands (other than FLUSH and SYNC) stop, reload or reconfigure the engine the services share");
        }

        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind is not (TokenKind.Word or TokenKind.QuotedIdentifier))
            {
                continue;
            }

            var name = token.Unquoted(text);
            var word = token.Kind == TokenKind.Word ? name.ToUpperInvariant() : string.Empty;
            if (word is "OUTFILE" or "INFILE")
            {
                return Refused(user, $"INTO OUTFILE and FROM INFILE read or write files; send data in the request body and read it from the response");
            }

            if (word is "DICTIONARY" && i < 4 && first is "CREATE" or "ATTACH" or "REPLACE")
            {
                return Refused(user, "dictionaries load from files, URLs, processes or other servers");
            }

            if (word is "COLLECTION" && first is "CREATE" or "ALTER")
            {
                return Refused(user, "named collections hold credentials for external sources, which are refused");
            }

            if (word is "DIALECT" && i + 1 < tokens.Count && tokens[i + 1].Is(text, '='))
            {
                return SettingRefused(user, "dialect");
            }

            if (word is "ENGINE" && i + 2 < tokens.Count && tokens[i + 1].Is(text, '='))
            {
                var engine = tokens[i + 2].Unquoted(text);
                if (!LocalEngines.Contains(engine))
                {
                    return Refused(user, $"the engine {engine} keeps data outside the data folder (files, URLs, other servers or processes); use MergeTree, Memory, Log or another local engine");
                }
            }

            var isCall = i + 1 < tokens.Count && tokens[i + 1].Is(text, '(');
            if (!isCall)
            {
                continue;
            }

            if (FileFunctions.Contains(name)
                || (_tableFunctions.Contains(name) && !ComputingTableFunctions.Contains(name) && !TableReadingFunctions.Contains(name)))
            {
                return Refused(user, $"the function {name}() reads or writes files, the network or processes");
            }
        }

        return null;
    }

    private static ClickHouseError? CheckReadOnly(ChDbConnection connection, ClickHouseUser user, byte[] text, List<Token> tokens, string first,
        IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        if (!ReadStatements.Contains(first) && !tokens[0].Is(text, '('))
        {
            return new ClickHouseError(ClickHouseError.Readonly,
                $"{user.Name}: Cannot execute query in readonly mode: the user {user.Name} may only read (SELECT, SHOW, DESCRIBE, EXISTS, EXPLAIN). (READONLY)");
        }

        var forbidden = ForbiddenDatabases(connection, user);
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind is not (TokenKind.Word or TokenKind.QuotedIdentifier))
            {
                continue;
            }

            var name = token.Unquoted(text);
            var next = i + 1 < tokens.Count ? tokens[i + 1] : default;
            var previous = i > 0 ? Word(text, tokens[i - 1]) : string.Empty;
            if (next.Is(text, '(') && (TableReadingFunctions.Contains(name) || DictionaryFunctionPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase))))
            {
                return Refused(user, $"the function {name}() reads tables by name, outside the databases {user.Name} may read");
            }

            if (ClickHouseUser.ProtectedSettings.Contains(name) && next.Is(text, '='))
            {
                return SettingRefused(user, name);
            }

            var namesDatabase = (i + 1 < tokens.Count && next.Is(text, '.')) || previous is "USE" or "FROM" or "IN" or "DATABASE";
            if (namesDatabase && forbidden.Contains(name))
            {
                return DatabaseRefused(user, name);
            }

            // {name:Identifier} parameters become names: they may not name another database either.
            if (name.Equals("Identifier", StringComparison.OrdinalIgnoreCase) && i >= 3 && tokens[i - 1].Is(text, ':') && tokens[i - 3].Is(text, '{'))
            {
                var parameter = tokens[i - 2].Unquoted(text);
                var value = parameters.FirstOrDefault(p => p.Key == parameter).Value ?? string.Empty;
                var dot = value.IndexOf('.', StringComparison.Ordinal);
                if (dot > 0 && forbidden.Contains(value[..dot].Trim('`', '"')))
                {
                    return DatabaseRefused(user, value[..dot]);
                }
            }
        }

        return null;
    }

    /// <summary>Databases that exist and are not the user's (nor system or information_schema).</summary>
    private static HashSet<string> ForbiddenDatabases(ChDbConnection connection, ClickHouseUser user)
    {
        using var result = connection.Query("SELECT name FROM system.databases", "TabSeparatedRaw");
        var names = result.Error is null ? result.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [];
        var forbidden = new HashSet<string>(names, StringComparer.Ordinal);
        forbidden.ExceptWith(user.Databases);
        forbidden.ExceptWith(ClickHouseUser.MetadataDatabases);
        return forbidden;
    }

    /// <summary>The statement as ClickHouse's formatter prints it, or the parser's error (62 for several statements).</summary>
    private static (byte[]? Canonical, ClickHouseError? Error) Canonical(ChDbConnection connection, ReadOnlySpan<byte> statement)
    {
        // The statement goes in as a string literal that round-trips byte for byte: only backslash
        // and quote are escaped. Query parameters would be unescaped a second time on the way in.
        var escapes = 0;
        foreach (var b in statement)
        {
            escapes += b is (byte)'\\' or (byte)'\'' ? 1 : 0;
        }

        var prefix = "SELECT formatQuery('"u8;
        var sql = new byte[prefix.Length + statement.Length + escapes + 2];
        prefix.CopyTo(sql);
        var at = prefix.Length;
        foreach (var b in statement)
        {
            if (b is (byte)'\\' or (byte)'\'')
            {
                sql[at++] = (byte)'\\';
            }

            sql[at++] = b;
        }

        sql[at++] = (byte)'\'';
        sql[at] = (byte)')';
        using var result = connection.Query(sql, "RawBLOB");
        if (result.Error is null)
        {
            return (result.Data.ToArray(), null);
        }

        // "... : In scope SELECT formatQuery('...')" names the guard's wrapper, not the client's query.
        var message = result.Error.Message;
        var scope = message.IndexOf(": In scope SELECT formatQuery(", StringComparison.Ordinal);
        if (scope >= 0)
        {
            var code = message.LastIndexOf(" (", StringComparison.Ordinal);
            message = message[..scope] + (code > scope ? "." + message[code..] : ".");
        }

        return (null, result.Error with { Message = message });
    }

    private static List<Token> Tokens(byte[] text)
    {
        var tokens = new List<Token>();
        var tokenizer = new SqlTokenizer(text);
        while (tokenizer.Next(out var token))
        {
            tokens.Add(token);
        }

        return tokens;
    }

    private static string Word(byte[] text, Token token) => token.Kind == TokenKind.Word ? Encoding.UTF8.GetString(text.AsSpan(token.Start, token.End - token.Start)).ToUpperInvariant() : string.Empty;

    private static ClickHouseError Refused(ClickHouseUser user, string why) => new(ClickHouseError.AccessDenied,
        $"{user.Name}: Not enough privileges: {why}; the embedded ClickHouse refuses it. (ACCESS_DENIED)");

    private static ClickHouseError SettingRefused(ClickHouseUser user, string setting) => new(ClickHouseError.SettingConstraintViolation,
        $"{user.Name}: Setting {setting} should not be changed: the endpoint sets it for this user. (SETTING_CONSTRAINT_VIOLATION)");

    private static ClickHouseError DatabaseRefused(ClickHouseUser user, string database) => new(ClickHouseError.AccessDenied,
        $"{user.Name}: Not enough privileges: the user {user.Name} may read the databases {string.Join(", ", user.Databases)} (and system, information_schema), not {database}. (ACCESS_DENIED)");
}
