"""The GraphQL API: strawberry schema, resolvers, loaders and the Starlette app."""
