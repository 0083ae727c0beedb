import React, { useEffect, useMemo, useState } from "react";

type Order = { id: number; sku: string; quantity: number; createdAt: string };

export function OrdersTable({ customerId }: { customerId: number }) {
  const [orders, setOrders] = useState<Order[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    fetch(`/api/v1/customers/${customerId}/orders?limit=50`, { signal: controller.signal })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(r.statusText))))
      .then(setOrders)
      .catch((e: Error) => setError(e.message));
    return () => controller.abort();
  }, [customerId]);

  const total = useMemo(() => orders.reduce((sum, o) => sum + o.quantity, 0), [orders]);

  if (error) {
    return <p className="error">{error}</p>;
  }
  return (
    <table>
      <thead>
        <tr><th>SKU</th><th>Quantity</th><th>Created</th></tr>
      </thead>
      <tbody>
        {orders.map((o) => (
          <tr key={o.id}>
            <td>{o.sku}</td>
            <td>{o.quantity}</td>
            <td>{new Date(o.createdAt).toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
      <tfoot><tr><td colSpan={3}>Total: {total}</td></tr></tfoot>
    </table>
  );
}
