using Fluid.Ast;

namespace Streaming.Dispatch.Templates;

/// <summary>
/// Finds the names a template reads that are neither one of the known roots nor defined by the
/// template itself (assign, capture, for): those are the "unknown variables" a save refuses.
/// </summary>
internal sealed class VariableRoots : AstVisitor
{
    public static readonly IReadOnlyList<string> Known = ["person", "event", "vars", "links", "message", "forloop"];

    private readonly HashSet<string> _defined = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _read = new(StringComparer.Ordinal);

    public static IReadOnlyList<string> Unknown(Fluid.IFluidTemplate template)
    {
        var visitor = new VariableRoots();
        visitor.VisitTemplate(template);
        return [.. visitor._read.Where(n => !Known.Contains(n) && !visitor._defined.Contains(n))];
    }

    protected override Expression VisitMemberExpression(MemberExpression memberExpression)
    {
        if (memberExpression.Segments.Count > 0 && memberExpression.Segments[0] is IdentifierSegment root)
            _read.Add(root.Identifier);
        return base.VisitMemberExpression(memberExpression);
    }

    protected override Statement VisitAssignStatement(AssignStatement assignStatement)
    {
        _defined.Add(assignStatement.Identifier);
        return base.VisitAssignStatement(assignStatement);
    }

    protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
    {
        _defined.Add(captureStatement.Identifier);
        return base.VisitCaptureStatement(captureStatement);
    }

    protected override Statement VisitForStatement(ForStatement forStatement)
    {
        _defined.Add(forStatement.Identifier);
        return base.VisitForStatement(forStatement);
    }
}
