// Worker entry: wiring only (fetch → Hono app, scheduled → monitor tick, queue → delivery consumer).
export default {} satisfies ExportedHandler<Env>
