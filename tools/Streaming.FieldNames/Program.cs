using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.MSBuild;
using Microsoft.CodeAnalysis.Rename;

// Renames private fields to the naming rule of .editorconfig, which `dotnet format` reports
// (IDE1006) but cannot fix. Mirrors the rule there: private instance fields and private mutable
// statics are `_camelCase`; constants and private static readonly fields are PascalCase. Renames
// go through Roslyn's Renamer, so every reference in the solution follows. Usage:
//   dotnet run --project tools/Streaming.FieldNames -- Streaming.sln

if (args.Length != 1)
{
    Console.Error.WriteLine("usage: Streaming.FieldNames <solution.sln>");
    return 2;
}

using var workspace = MSBuildWorkspace.Create();
workspace.RegisterWorkspaceFailedHandler(e =>
{
    if (e.Diagnostic.Kind == WorkspaceDiagnosticKind.Failure)
        Console.Error.WriteLine($"warning: {e.Diagnostic.Message}");
});
var solution = await workspace.OpenSolutionAsync(args[0]);
var renamed = 0;
var skipped = new HashSet<string>(StringComparer.Ordinal);
while (await FirstViolation(solution, skipped) is { } violation)
{
    var (symbol, newName, where) = violation;
    solution = await Renamer.RenameSymbolAsync(solution, symbol, new SymbolRenameOptions(), newName);
    Console.WriteLine($"{where}: {symbol.Name} -> {newName}");
    renamed++;
}

if (renamed > 0 && !workspace.TryApplyChanges(solution))
{
    Console.Error.WriteLine("error: the renames could not be written back.");
    return 1;
}
Console.WriteLine($"{renamed} field(s) renamed.");
return 0;

static async Task<(IFieldSymbol Symbol, string NewName, string Where)?> FirstViolation(Solution solution, HashSet<string> skipped)
{
    foreach (var project in solution.Projects.Where(p => p.Language == LanguageNames.CSharp))
    {
        foreach (var document in project.Documents)
        {
            if (document.FilePath is null || document.FilePath.Contains("/obj/", StringComparison.Ordinal))
                continue;
            var root = await document.GetSyntaxRootAsync();
            var declarators = root!.DescendantNodes().OfType<FieldDeclarationSyntax>()
                .SelectMany(f => f.Declaration.Variables.Select(v => (Field: f, Variable: v)))
                .Where(d => WantedName(d.Field, d.Variable.Identifier.ValueText) is { } wanted && wanted != d.Variable.Identifier.ValueText)
                .ToList();
            if (declarators.Count == 0)
                continue;
            var model = await document.GetSemanticModelAsync();
            foreach (var (field, variable) in declarators)
            {
                var where = $"{document.FilePath}:{variable.GetLocation().GetLineSpan().StartLinePosition.Line + 1}";
                if (skipped.Contains(where) || model!.GetDeclaredSymbol(variable) is not IFieldSymbol symbol)
                    continue;
                skipped.Add(where);
                return (symbol, WantedName(field, symbol.Name)!, where);
            }
        }
    }
    return null;
}

// The name the .editorconfig rule wants for a private field, or null when the rule does not cover it.
static string? WantedName(FieldDeclarationSyntax field, string name)
{
    var modifiers = field.Modifiers.Select(m => m.Kind()).ToHashSet();
    var isPrivate = !modifiers.Overlaps([SyntaxKind.PublicKeyword, SyntaxKind.InternalKeyword, SyntaxKind.ProtectedKeyword]);
    var bare = name.TrimStart('_');
    if (bare.Length > 2 && bare[1] == '_' && char.IsLower(bare[0]))
        bare = bare[2..]; // s_name, t_name, m_name
    if (bare.Length == 0)
        return null;
    if (modifiers.Contains(SyntaxKind.ConstKeyword) || (isPrivate && modifiers.Contains(SyntaxKind.StaticKeyword) && modifiers.Contains(SyntaxKind.ReadOnlyKeyword)))
        return char.IsUpper(name[0]) ? name : char.ToUpperInvariant(bare[0]) + bare[1..];
    if (!isPrivate)
        return null;
    return name.StartsWith('_') && name.Length > 1 && char.IsLower(name[1]) ? name : "_" + char.ToLowerInvariant(bare[0]) + bare[1..];
}
