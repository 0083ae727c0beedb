import React, { useEffect, useState } from "react";

export function Dashboard() {
  const [total, setTotal] = useState<number | null>(null);
  useEffect(() => {
    const load = async () => {
      const response = await fetch("/v1/invoices/summary", { signal: AbortSignal.timeout(5000) });
      setTotal((await response.json()).total);
    };
    load();
  }, []);
  return <section className="dashboard">{total === null ? "Loading…" : `Total: ${total}`}</section>;
}
