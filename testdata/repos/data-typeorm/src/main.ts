import { NestFactory } from "@nestjs/core";
import { VersioningType } from "@nestjs/common";
import { DocumentBuilder, SwaggerModule } from "@nestjs/swagger";
import helmet from "helmet";
import { AppModule } from "./app.module";

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.use(helmet());
  app.setGlobalPrefix("api");
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: "1" });
  const document = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle("Orders").build());
  SwaggerModule.setup("docs", app, document);
  await app.listen(Number(process.env.PORT ?? 3000));
}

bootstrap();
