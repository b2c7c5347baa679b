/*
 * OpenTelemetry for the portal's backend, set up before any plugin creates a meter (index.ts
 * imports this first): Backstage's MetricsService (and so SupaControl's metrics and the core
 * plugins') reports through the global meter provider, which is read by a Prometheus exporter on
 * a port of its own, apart from the portal's routes and their sign-in.
 *
 * Set by environment variables, the OpenTelemetry names, because this runs before the app config
 * is read:
 *   OTEL_METRICS_EXPORTER=none          no metrics endpoint (default: prometheus)
 *   OTEL_EXPORTER_PROMETHEUS_HOST       address to listen on (default localhost; 0.0.0.0 in a pod)
 *   OTEL_EXPORTER_PROMETHEUS_PORT       port (default 9464); the path is /metrics
 */
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

function prometheusPort(): number {
  const text = process.env.OTEL_EXPORTER_PROMETHEUS_PORT ?? '9464';
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new Error(
      `OTEL_EXPORTER_PROMETHEUS_PORT must be a port number from 1 to 65535; got '${text}'`,
    );
  }
  return port;
}

const exporterName = process.env.OTEL_METRICS_EXPORTER ?? 'prometheus';
if (exporterName === 'prometheus') {
  const host = process.env.OTEL_EXPORTER_PROMETHEUS_HOST ?? 'localhost';
  const port = prometheusPort();
  const exporter = new PrometheusExporter({ host, port }, error => {
    if (error) {
      // The portal runs on without its metrics endpoint (e.g. the port is taken).
      console.warn(
        `Metrics endpoint not started on ${host}:${port}: ${String(error)}`,
      );
    }
  });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
} else if (exporterName !== 'none') {
  throw new Error(
    `OTEL_METRICS_EXPORTER must be 'prometheus' or 'none'; got '${exporterName}'`,
  );
}
