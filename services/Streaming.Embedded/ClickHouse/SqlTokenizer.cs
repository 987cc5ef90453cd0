using System.Text;

namespace Streaming.Embedded.ClickHouse;

internal enum TokenKind
{
    Word,
    QuotedIdentifier,
    StringLiteral,
    Symbol,
}

internal readonly record struct Token(TokenKind Kind, int Start, int End)
{
    public bool Is(ReadOnlySpan<byte> text, char symbol) => Kind == TokenKind.Symbol && text[Start] == symbol;

    public bool IsWord(ReadOnlySpan<byte> text, string word) =>
        Kind == TokenKind.Word && End - Start == word.Length && Ascii.EqualsIgnoreCase(text[Start..End], word);

    public string Unquoted(ReadOnlySpan<byte> text) => Kind == TokenKind.QuotedIdentifier
        ? Encoding.UTF8.GetString(text[(Start + 1)..(End - 1)])
        : Encoding.UTF8.GetString(text[Start..End]);
}

/// <summary>Splits SQL into words, quoted names, string literals and symbols; skips spaces and comments.</summary>
internal ref struct SqlTokenizer(ReadOnlySpan<byte> text)
{
    private readonly ReadOnlySpan<byte> text = text;
    private int position;

    public bool Next(out Token token)
    {
        SkipSpaceAndComments();
        token = default;
        if (position >= text.Length)
        {
            return false;
        }

        var start = position;
        var c = text[position];
        if (IsWordByte(c) && !char.IsAsciiDigit((char)c))
        {
            while (position < text.Length && IsWordByte(text[position]))
            {
                position++;
            }

            token = new Token(TokenKind.Word, start, position);
        }
        else if (c is (byte)'\'' or (byte)'"' or (byte)'`')
        {
            SkipQuoted(c);
            token = new Token(c == '\'' ? TokenKind.StringLiteral : TokenKind.QuotedIdentifier, start, position);
        }
        else if (char.IsAsciiDigit((char)c))
        {
            while (position < text.Length && (IsWordByte(text[position]) || text[position] == '.'))
            {
                position++;
            }

            token = new Token(TokenKind.Symbol, start, position);
        }
        else
        {
            position++;
            token = new Token(TokenKind.Symbol, start, position);
        }

        return true;
    }

    private static bool IsWordByte(byte c) => char.IsAsciiLetterOrDigit((char)c) || c == '_' || c == '$' || c >= 0x80;

    private void SkipQuoted(byte quote)
    {
        position++;
        while (position < text.Length)
        {
            var c = text[position++];
            if (c == '\\')
            {
                position++;
            }
            else if (c == quote)
            {
                if (position < text.Length && text[position] == quote)
                {
                    position++; // a doubled quote stands for itself
                }
                else
                {
                    return;
                }
            }
        }
    }

    private void SkipSpaceAndComments()
    {
        while (position < text.Length)
        {
            var c = text[position];
            if (c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f' or (byte)'\v')
            {
                position++;
            }
            else if (c == '-' && position + 1 < text.Length && text[position + 1] == '-')
            {
                var end = text[position..].IndexOf((byte)'\n');
                position = end < 0 ? text.Length : position + end + 1;
            }
            else if (c == '#' && position + 1 < text.Length && text[position + 1] is (byte)' ' or (byte)'!')
            {
                // ClickHouse also reads "# " and "#!" as line comments.
                var end = text[position..].IndexOf((byte)'\n');
                position = end < 0 ? text.Length : position + end + 1;
            }
            else if (c == '/' && position + 1 < text.Length && text[position + 1] == '*')
            {
                var end = text[(position + 2)..].IndexOf("*/"u8);
                position = end < 0 ? text.Length : position + 2 + end + 2;
            }
            else
            {
                return;
            }
        }
    }
}
