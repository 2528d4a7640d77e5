using FluentValidation;

namespace Budget.Api.Hosting;

/// <summary>
/// The one validation mechanism: runs the registered FluentValidation validator of every argument that has one
/// and answers 400 ValidationProblem with the failures per field.
/// </summary>
internal sealed class ValidationFilter(IServiceProvider services) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        foreach (var argument in context.Arguments)
        {
            if (argument is null)
            {
                continue;
            }

            var validatorType = typeof(IValidator<>).MakeGenericType(argument.GetType());
            if (services.GetService(validatorType) is IValidator validator)
            {
                var result = await validator.ValidateAsync(new ValidationContext<object>(argument), context.HttpContext.RequestAborted);
                if (!result.IsValid)
                {
                    return TypedResults.ValidationProblem(result.ToDictionary());
                }
            }
        }

        return await next(context);
    }
}
