using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Streaming.ServiceDefaults.Definitions;

namespace Streaming.ServiceDefaults.Registration;

/// <summary>
/// The one way a service registers itself: <c>Add&lt;Name&gt;(this IHostApplicationBuilder)</c> starts with
/// <see cref="TryAddService{TOptions, TValidator}"/> (or, without options of its own to check,
/// <see cref="TryRegisterOnce"/> and <see cref="AddServiceOptions{TOptions}"/>);
/// <c>Map&lt;Name&gt;(this WebApplication)</c> maps its endpoints. Each service's Program.cs and the
/// standalone host call the same pair.
/// </summary>
public static class ServiceRegistration
{
    /// <summary>
    /// The start of a service's <c>Add&lt;Name&gt;</c>: false when <paramref name="service"/> is already
    /// registered in this host (see <see cref="TryRegisterOnce"/>); otherwise binds and validates its
    /// options (<see cref="AddServiceOptions{TOptions, TValidator}"/>, returned in <paramref name="options"/>)
    /// and adds the definition store that every service reads its definitions from.
    /// </summary>
    public static bool TryAddService<TOptions, TValidator>(this IHostApplicationBuilder builder, string service, string section, out TOptions options)
        where TOptions : class, new()
        where TValidator : class, IValidateOptions<TOptions>
    {
        options = new TOptions();
        if (!builder.TryRegisterOnce(service))
            return false;
        options = builder.AddServiceOptions<TOptions, TValidator>(section);
        builder.Services.AddDefinitionStore();
        return true;
    }

    /// <summary>
    /// Records that <paramref name="service"/> is being registered; false when it already was, so an
    /// <c>Add*</c> called twice (a test host, the standalone host) registers everything once.
    /// </summary>
    public static bool TryRegisterOnce(this IHostApplicationBuilder builder, string service)
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(RegisteredService) && d.ImplementationInstance is RegisteredService r && r.Name == service))
            return false;
        builder.Services.AddSingleton(new RegisteredService(service));
        return true;
    }

    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from the configuration section <paramref name="section"/> and
    /// checks it when the host starts, with its data annotations and <typeparamref name="TValidator"/>: a
    /// wrong setting stops the service before it serves, with the validator's message (which names the
    /// setting and the fix). Returns the values as bound now, for the few choices made while registering
    /// (which subscriptions exist); everything else reads <c>IOptions&lt;TOptions&gt;</c>.
    /// </summary>
    public static TOptions AddServiceOptions<TOptions, TValidator>(this IHostApplicationBuilder builder, string section)
        where TOptions : class, new()
        where TValidator : class, IValidateOptions<TOptions>
    {
        builder.Services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return builder.AddServiceOptions<TOptions>(section);
    }

    /// <inheritdoc cref="AddServiceOptions{TOptions, TValidator}"/>
    public static TOptions AddServiceOptions<TOptions>(this IHostApplicationBuilder builder, string section)
        where TOptions : class, new()
    {
        builder.Services.AddOptions<TOptions>().Bind(builder.Configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
        OptionsFirst.AddTo(builder.Services);
        return builder.Configuration.GetSection(section).Get<TOptions>() ?? new TOptions();
    }

    private sealed record RegisteredService(string Name);
}
