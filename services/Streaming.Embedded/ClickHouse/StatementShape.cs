using System.Text;

namespace Streaming.Embedded.ClickHouse;

/// <summary>What the endpoint must do with a statement before handing it to the engine.</summary>
public enum StatementKind
{
    /// <summary>Run as is; the output format may be set by a FORMAT clause.</summary>
    Query,

    /// <summary>An INSERT whose data follows the SQL (FORMAT x or VALUES): stream the data, never inline it.</summary>
    InsertWithData,

    /// <summary>SET, USE, CREATE TEMPORARY TABLE: changes the session, so the connection must not be reused.</summary>
    SessionChange,

    /// <summary>The text seen so far ends before the statement's shape is known.</summary>
    Incomplete,
}

/// <summary>
/// The shape of one ClickHouse statement, found by a small tokenizer that understands quoting
/// and comments but not the grammar: enough to split <c>INSERT .. FORMAT f</c> from its data
/// exactly where ClickHouse's own parser does, and to see a query's explicit output format.
/// </summary>
public readonly record struct StatementShape(StatementKind Kind, int HeadLength, string? Format, int DataOffset)
{
    /// <summary>
    /// Inspects <paramref name="text"/> (UTF-8). <paramref name="isComplete"/> says whether more
    /// text follows; when it does and the shape is not yet known the result is Incomplete.
    /// </summary>
    public static StatementShape Inspect(ReadOnlySpan<byte> text, bool isComplete)
    {
        var tokens = new SqlTokenizer(text);
        if (!tokens.Next(out var first))
        {
            return Finish(isComplete);
        }

        if (first.IsWord(text, "INSERT"))
        {
            return InspectInsert(text, ref tokens, isComplete);
        }

        if (first.IsWord(text, "SET") || first.IsWord(text, "USE")
            || (first.IsWord(text, "CREATE") && tokens.Next(out var second) && second.IsWord(text, "TEMPORARY")))
        {
            return new StatementShape(StatementKind.SessionChange, text.Length, null, text.Length);
        }

        return new StatementShape(StatementKind.Query, text.Length, FindOutputFormat(text), text.Length);
    }

    private static StatementShape InspectInsert(ReadOnlySpan<byte> text, ref SqlTokenizer tokens, bool isComplete)
    {
        var depth = 0;
        while (tokens.Next(out var token))
        {
            if (token.Is(text, '('))
            {
                depth++;
                continue;
            }

            if (token.Is(text, ')'))
            {
                depth--;
                continue;
            }

            if (depth != 0 || token.Kind != TokenKind.Word)
            {
                continue;
            }

            if (token.IsWord(text, "SELECT") || token.IsWord(text, "WITH"))
            {
                return new StatementShape(StatementKind.Query, text.Length, FindOutputFormat(text), text.Length);
            }

            if (token.IsWord(text, "VALUES"))
            {
                if (token.End == text.Length && !isComplete)
                {
                    return new StatementShape(StatementKind.Incomplete, 0, null, 0);
                }

                // The Values format reads the tuples that follow the keyword.
                return new StatementShape(StatementKind.InsertWithData, token.Start, "Values", token.End);
            }

            if (token.IsWord(text, "FORMAT"))
            {
                if (!tokens.Next(out var name))
                {
                    return Finish(isComplete);
                }

                if (name.End == text.Length && !isComplete)
                {
                    return new StatementShape(StatementKind.Incomplete, 0, null, 0);
                }

                return new StatementShape(StatementKind.InsertWithData, token.Start, name.Unquoted(text), DataStart(text, name.End));
            }
        }

        return Finish(isComplete);
    }

    /// <summary>Where inline data starts: after spaces and tabs, then one optional CR LF or LF (ParserInsertQuery).</summary>
    private static int DataStart(ReadOnlySpan<byte> text, int position)
    {
        while (position < text.Length && text[position] is (byte)' ' or (byte)'\t' or (byte)'\f')
        {
            position++;
        }

        if (position < text.Length && text[position] == '\r')
        {
            position++;
        }

        if (position < text.Length && text[position] == '\n')
        {
            position++;
        }

        return position;
    }

    /// <summary>The name after the last top-level FORMAT keyword, if any.</summary>
    private static string? FindOutputFormat(ReadOnlySpan<byte> text)
    {
        var tokens = new SqlTokenizer(text);
        string? format = null;
        var depth = 0;
        while (tokens.Next(out var token))
        {
            if (token.Is(text, '('))
            {
                depth++;
            }
            else if (token.Is(text, ')'))
            {
                depth--;
            }
            else if (depth == 0 && token.IsWord(text, "FORMAT") && tokens.Next(out var name)
                && name.Kind is TokenKind.Word or TokenKind.QuotedIdentifier)
            {
                format = name.Unquoted(text);
            }
        }

        return format;
    }

    private static StatementShape Finish(bool isComplete) => isComplete
        ? new StatementShape(StatementKind.Query, 0, null, 0)
        : new StatementShape(StatementKind.Incomplete, 0, null, 0);
}
