using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Admin;

namespace Streaming.ServiceDefaults.Definitions;

/// <summary>
/// What every definitions API (<c>/api/definitions/&lt;kind&gt;s</c>: tags, journeys, templates, ...)
/// shares: the id rule, the body limit, YAML detection, the 404 and 400 answers, and the plain
/// list/get/delete endpoints. A service adds only what is its own: how a body is validated and
/// stored, and endpoints such as packs or the journey lifecycle.
/// </summary>
public static partial class DefinitionEndpoints
{
    /// <summary>A definition document is at most this many bytes (JSON or YAML as sent).</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary><c>GET /</c> (all of the tenant's), <c>GET /{id}</c> and, unless <paramref name="deletable"/> is false, <c>DELETE /{id}</c>.</summary>
    public static RouteGroupBuilder MapDefinitionReads(this RouteGroupBuilder group, DefinitionNoun noun, Func<DefinitionDocument, object>? view = null, bool deletable = true)
    {
        view ??= View;
        group.MapGet("/", (HttpContext http, DefinitionStore store) =>
            Results.Ok(store.List(noun.Kind, http.Tenant()).Select(view)));
        group.MapGet("/{id}", (HttpContext http, string id, DefinitionStore store) =>
            store.Get(http.Tenant(), noun.Kind, id) is { } document ? Results.Ok(view(document)) : Unknown(http, noun, id));
        if (deletable)
        {
            group.MapDelete("/{id}", async (HttpContext http, string id, DefinitionStore store, CancellationToken cancellationToken) =>
            {
                if (store.Get(http.Tenant(), noun.Kind, id) is null)
                    return Unknown(http, noun, id);
                await store.DeleteAsync(http.Tenant(), noun.Kind, id, "admin", cancellationToken);
                return Results.NoContent();
            });
        }
        return group;
    }

    /// <summary>
    /// Reads the body of <c>PUT /{id}</c>: the id must follow the rule, the body fits the limit, and a
    /// YAML body (by content type, or any body that is not a JSON object) is marked so the caller
    /// converts it. <see cref="DefinitionBody.Refusal"/> is the answer to give when it is set.
    /// </summary>
    public static async Task<DefinitionBody> ReadPutAsync(HttpContext http, string id, DefinitionNoun noun, CancellationToken cancellationToken)
    {
        if (!IsValidId(id))
            return new(null, false, AdminAuthorization.Problem(400, "bad id", $"id must be 1-64 characters: lowercase letters, digits, '-' or '_', starting with a letter or digit (e.g. {noun.ExampleId})."));
        if (http.Request.ContentLength > MaxBodyBytes)
            return new(null, false, TooLarge(noun));
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync(cancellationToken);
        if (body.Length > MaxBodyBytes)
            return new(null, false, TooLarge(noun));
        return new(body, IsYaml(http.Request.ContentType, body), null);
    }

    public static bool IsValidId(string id) => IdPattern().IsMatch(id);

    /// <summary>The 404 for an id the tenant has no definition of.</summary>
    public static IResult Unknown(HttpContext http, DefinitionNoun noun, string id) =>
        AdminAuthorization.Problem(404, "unknown " + noun.Name, $"No {noun.Name} '{id}' in tenant '{http.Tenant()}'{(noun.MissingHint is null ? "" : "; " + noun.MissingHint)}.");

    /// <summary>The 400 naming every wrong part: <c>errors</c> holds one object per part, keyed by <paramref name="keyName"/> (path or field).</summary>
    public static IResult Invalid(DefinitionNoun noun, IEnumerable<(string Where, string Message)> errors, string keyName = "path")
    {
        var list = errors.ToList();
        return Results.Problem(
            statusCode: 400,
            title: "invalid " + noun.Name,
            detail: string.Join("; ", list.Select(e => $"{e.Where}: {e.Message}")),
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = list.Select(e => new Dictionary<string, string> { [keyName] = e.Where, ["message"] = e.Message }).ToList(),
            });
    }

    /// <summary>A stored definition as the APIs show it.</summary>
    public static object View(DefinitionDocument document) => new
    {
        id = document.Id,
        version = document.Version,
        updatedAt = document.UpdatedAt,
        updatedBy = document.UpdatedBy,
        definition = JsonNode.Parse(document.Body),
    };

    private static bool IsYaml(string? contentType, string body) =>
        contentType?.Contains("yaml", StringComparison.OrdinalIgnoreCase) == true
        || (contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true && !body.TrimStart().StartsWith('{'));

    private static IResult TooLarge(DefinitionNoun noun) =>
        AdminAuthorization.Problem(413, "definition too large", $"A {noun.Name} is at most {MaxBodyBytes / 1024} KB; {noun.SplitHint}.");

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex IdPattern();
}

/// <summary>
/// How a definitions API names its kind in answers: <c>tag definition</c>, id example <c>repeat-buyer</c>,
/// what to do when one is too large, and (optional) what a missing one means.
/// </summary>
public sealed record DefinitionNoun(string Kind, string Name, string ExampleId, string SplitHint, string? MissingHint = null);

/// <summary>A PUT body as read: its text and whether it is YAML, or the refusal to answer.</summary>
public readonly record struct DefinitionBody(string? Text, bool IsYaml, IResult? Refusal);
