// Example function: `POST /functions/v1/hello` with `{"name": "..."}`.
Deno.serve(async (request: Request) => {
  const { name } = await request.json().catch(() => ({ name: undefined }));
  return new Response(
    JSON.stringify({ message: `Hello ${name ?? 'world'}!` }),
    {
      headers: { 'Content-Type': 'application/json' },
    },
  );
});
